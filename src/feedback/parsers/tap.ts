/** TAP 13 as node:test writes it (`--test-reporter=tap`): `not ok` lines with their YAML diagnostics. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { jsFrame, parseJsError, withExpectedActual, type ErrorInfo } from '../extract.js';
import { dedent, MAX_LINE, pushCapped } from '../text.js';
import { pathInText } from '../paths.js';
import type { Frame, TestReport } from '../types.js';
import { addNodeTestSummary, Crash, entryInfo } from './node-test.js';
import { normalizeJsKind } from './js-errors.js';
import { indentEnd, otherSpace } from './line-loop.js';
import { isChainStop } from '../bulk.js';

const RESULT = /^(\s*)(not ok|ok) \d+(?:\s+(?:- )?(.*?))?(?:\s*# (SKIP|TODO)\b.*)?$/i;
const COUNT = /^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/;
export class TapParser implements LineParser {
  private readonly builder: ReportBuilder;
  private pending: { name: string; yaml: string[] | null; indent: number; body: string[] } | null = null;
  /** node:test's TAP (subtests, `duration_ms`) reports as node-test; any other producer's as tap. */
  private nodeTest = false;
  private inYaml = false;
  private comments: string[] = [];
  private crashes: Crash[] = [];
  private counts: Record<string, number> = {};

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('node-test', maxFailures);
  }
  push(line: string): void {
    if (this.inYaml && this.pending) {
      if (/^\s*\.\.\.\s*$/.test(line)) {
        this.inYaml = false;
        return this.close();
      }
      this.pending.yaml = pushCapped(this.pending.yaml!, line);
      return;
    }
    if (this.pending && /^\s*---\s*$/.test(line)) {
      this.pending.yaml = [];
      this.inYaml = true;
      return;
    }
    // A result starts with `ok` or `not ok` (any case) after the indent: a comment line skips RESULT.
    const c = line.charCodeAt(indentEnd(line, 0, line.length));
    const mayResult = !(c > 0x20 && c < 0x7f) || c === 0x6f || c === 0x4f || c === 0x6e || c === 0x4e;
    const result = mayResult ? RESULT.exec(line) : null;
    if (result) {
      this.close();
      if (result[4]) return this.builder.skip();
      if (result[2] === 'ok') return this.builder.pass();
      this.pending = { name: result[3] ?? '', yaml: null, indent: result[1]!.length, body: [] };
      return;
    }
    // Producers without YAML diagnostics (mocha's tap reporter) indent the error under the `not ok` line.
    if (
      this.pending &&
      !this.inYaml &&
      (!line.trim() || line.search(/\S/) > this.pending.indent) &&
      !/^\s*#/.test(line)
    ) {
      this.pending.body = pushCapped(this.pending.body, line);
      return;
    }
    this.close();
    const count = COUNT.exec(line);
    if (count) {
      this.counts[count[1]!] = (this.counts[count[1]!] ?? 0) + Number(count[2]);
      return;
    }
    const comment = /^\s*# ?(.*)$/.exec(line);
    const subtest = comment !== null && comment[1]!.startsWith('Subtest: ');
    if (subtest) this.nodeTest = true;
    if (comment && !subtest) {
      if (/^Node\.js v\d/.test(comment[1]!)) {
        this.crashes.push(new Crash(this.comments));
        if (this.crashes.length > 50) this.crashes.shift(); // only recent crashes can match a later failure
        this.comments = [];
      } else {
        this.comments.push(comment[1]!);
        if (this.comments.length > 400) this.comments = this.comments.slice(-200);
      }
    }
  }

  /**
   * Every line, as `push` reads it: a line that may be a result, comment, `---` or `...` is pushed; a YAML or body
   * line is sliced only while the failure's details are kept; any other line only closes a pending failure. The
   * commonest markers (a plain `ok`/`not ok` result, `---`, `...`, `# Subtest: `) are read here without `push`'s
   * regexes; other shapes of them go to `push`. One loop, one method per line (see `JestParser.bulk`).
   */
  bulk(text: string, from: number, to: number): number {
    for (let start = from; start < to;) {
      const end = text.indexOf('\n', start);
      if (end < 0 || end >= to || end - start > MAX_LINE) return start;
      const c = text.charCodeAt(start);
      if (c === 0x20 || c === 0x09) this.take(text, start, indentEnd(text, start, end), end);
      else if (isChainStop(text, start)) return start;
      else this.take(text, start, start, end);
      start = end + 1;
    }
    return to;
  }

  /** One line of `bulk`: [start, end), `i` its first character after spaces and tabs. */
  private take(text: string, start: number, i: number, end: number): void {
    const c = i < end ? text.charCodeAt(i) : -1;
    if (c >= 0x80 && otherSpace(text, i)) return this.push(text.slice(start, end));
    const p = this.pending;
    if (this.inYaml && p) {
      if (c !== 0x2e /* . */) {
        if (!this.builder.full) p.yaml = pushCapped(p.yaml!, text.slice(start, end));
      } else if (text.startsWith('...', i) && indentEnd(text, i + 3, end) === end) {
        this.inYaml = false;
        this.close();
      } else this.push(text.slice(start, end));
      return;
    }
    if (c === 0x2d /* - */ && p && text.startsWith('---', i) && indentEnd(text, i + 3, end) === end) {
      p.yaml = [];
      this.inYaml = true;
      return;
    }
    if ((c === 0x6f /* o */ || c === 0x6e) /* n */ && this.result(text, start, i, end)) return;
    if (c === 0x23 /* # */ && text.startsWith('# Subtest: ', i)) {
      this.close();
      this.nodeTest = true;
      return;
    }
    // `#`, `-`, and n/N/o/O (`not ok`, `ok`: the result pattern is /i).
    if (c === 0x23 || c === 0x2d || c === 0x6e || c === 0x4e || c === 0x6f || c === 0x4f)
      return this.push(text.slice(start, end));
    if (!p) return;
    if (i === end || i - start > p.indent) {
      if (!this.builder.full) p.body = pushCapped(p.body, text.slice(start, end));
      return;
    }
    this.close();
  }

  /**
   * `RESULT` for the plain shape of a result line, `ok 3` or `not ok 3` (at `i`), then a blank and a name with no
   * `#` (no directive), as `push` would read it; false (nothing read) for any other line.
   */
  private result(text: string, start: number, i: number, end: number): boolean {
    let j = text.startsWith('ok ', i) ? i + 3 : text.startsWith('not ok ', i) ? i + 7 : end;
    const digits = j;
    let c = text.charCodeAt(j);
    while (j < end && c >= 0x30 && c <= 0x39) c = text.charCodeAt(++j);
    if (j === digits) return false;
    let name = '';
    if (j < end) {
      if (c !== 0x20 && c !== 0x09) return false;
      const k = indentEnd(text, j, end);
      if (otherSpace(text, k)) return false;
      for (let h = k; h < end; h++) if (text.charCodeAt(h) === 0x23 /* # */) return false;
      name = text.slice(text.startsWith('- ', k) ? k + 2 : k, end);
    }
    this.close();
    if (text.charCodeAt(i) === 0x6f /* o */) this.builder.pass();
    else this.pending = { name, yaml: null, indent: i - start, body: [] };
    return true;
  }

  finish(): TestReport {
    this.close();
    addNodeTestSummary(this.builder, this.counts);
    const report = this.builder.report();
    if (!this.nodeTest) report.runner = 'tap';
    return report;
  }

  private close(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (this.builder.full) return this.builder.countOnly();
    if (!p.yaml && p.body.some((l) => l.trim())) {
      const info = normalizeJsKind(parseJsError(dedent(p.body)));
      this.builder.add({ test: p.name, file: pathInText(info.message), ...info });
      return;
    }
    const y = parseYaml(p.yaml ?? []);
    if (y.duration_ms !== undefined) this.nodeTest = true;
    if (y.type === 'suite' && y.failureType === 'subtestsFailed') return;
    const frames = (y.stack ?? '')
      .split('\n')
      .map(jsFrame)
      .filter((f): f is Frame => f !== null);
    let info: ErrorInfo = { kind: y.name ?? 'Error', message: y.error ?? '', frames };
    if (y.expected !== undefined) info.expected = y.expected;
    if (y.actual !== undefined) info.actual = y.actual;
    if (y.failureType === 'testTimeoutFailure') info.kind = 'Timeout';
    if (info.message === 'test failed') info = entryInfo(['test failed'], p.name, this.crashes);
    else if (info.expected === undefined) info = withExpectedActual(info);
    const loc = /^(.+):(\d+):\d+$/.exec(y.location ?? '');
    this.builder.add({
      test: p.name,
      file: loc?.[1],
      line: loc ? Number(loc[2]) : undefined,
      ...normalizeJsKind(info),
    });
  }
}

const YAML_KEY = /^(\s*)([\w-]+):(?: (.*))?$/;
const WIDE_SPACE = /\s/;

/** `line.search(/\S/)` (-1 for a blank line) with a look at ASCII characters first. */
function firstNonSpace(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    if (c < 0x80 || !WIDE_SPACE.test(line[i]!)) return i;
  }
  return -1;
}

/** The small YAML subset TAP diagnostics use: scalars, quoted strings, `|-` blocks, nested maps as text. */
function parseYaml(lines: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let base = 0;
  for (const line of lines) {
    const first = firstNonSpace(line);
    if (first >= 0) {
      base = first;
      break;
    }
  }
  for (let i = 0; i < lines.length; i++) {
    // `(\s*)` is the whole indent: a line at another indent is no key of this map.
    if (firstNonSpace(lines[i]!) !== base) continue;
    const m = YAML_KEY.exec(lines[i]!);
    if (!m) continue;
    const value = m[3];
    if (value === undefined || value === '|-' || value === '|' || value === '>-') {
      const block: string[] = [];
      for (let first; i + 1 < lines.length && ((first = firstNonSpace(lines[i + 1]!)) < 0 || first > base);)
        block.push(lines[++i]!);
      const text = dedent(block);
      out[m[2]!] = value === undefined ? text.join(', ') : text.join('\n');
    } else {
      out[m[2]!] = scalar(value);
    }
  }
  return out;
}

function scalar(value: string): string {
  if (value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replace(/''/g, "'");
  if (value.startsWith('"') && value.endsWith('"')) {
    try {
      return JSON.parse(value) as string;
    } catch {
      return value.slice(1, -1);
    }
  }
  return value;
}
