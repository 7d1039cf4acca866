/** `go test` (default and `-v`): `--- FAIL` with its log lines, panics with goroutine traces, build errors. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { linePattern, nextStop } from '../bulk.js';
import { withExpectedActual } from '../extract.js';
import { frame } from '../paths.js';
import { MAX_LINE, pushCapped } from '../text.js';
import type { Failure, Frame, TestReport } from '../types.js';

const RUN = /^=== (?:RUN|CONT|PAUSE)\s+(\S+)/;
const RESULT = /^\s*--- (FAIL|PASS|SKIP): (\S+) \([\d.]+m?s\)$/;
const LOG = /^\s+(\S+\.go):(\d+): (.*)$/;
const PANIC = /^panic: (.*?)(?: \[recovered\])?$/;
const BUILD = /^(\S+\.go):(\d+):(\d+): (.*)$/;
const PACKAGE = /^(FAIL|ok)\s+(\S+)/;
// A panic's trace once full (it is counted, not read): up to the package's end or `exit status`.
const PANIC_STOPS = linePattern('(?:FAIL|ok)[^\\S\\n]+\\S|exit status \\d');
const HOSTS_WITH_OWNER =
  /^(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|golang\.org|go\.googlesource\.com)$/;

/**
 * The folder of package `importPath` inside its module, guessed from the import path alone (a log names no go.mod):
 * `github.com/OWNER/REPO/...` and the like have three segments of module path, another domain two
 * (`example.com/shop`), a path without a domain one (`shop/cart`); a major version suffix (`/v2`) belongs to the
 * module. `t.Errorf` prints the file relative to its package folder, so this makes it a repository path.
 */
export function packageDir(importPath: string): string {
  const parts = importPath.split('/');
  const first = parts[0] ?? '';
  let module = !first.includes('.') ? 1 : HOSTS_WITH_OWNER.test(first) ? 3 : 2;
  if (first === 'golang.org' && parts[1] !== 'x') module = 2;
  if (/^v\d+$/.test(parts[module] ?? '')) module += 1;
  return parts.slice(module).join('/');
}

export class GoTextParser implements LineParser {
  private readonly builder: ReportBuilder;
  private logs = new Map<string, { file: string; line: number; text: string[] }[]>();
  private running = '';
  private open: Failure | null = null;
  private panic: { message: string; lines: string[] } | null = null;
  private buildPackage = '';
  /** Tests that ran subtests: a parent is not a test of its own (its failing subtests are the failures). */
  private readonly parents = new Set<string>();
  /** Failures of the current package, held until it ends so that parents can be told apart. */
  private held: Failure[] = [];
  /** The current package printed per-test lines (`=== RUN`, `--- PASS`): `-v`, or `-json`. */
  private verbose = false;
  /** Some package ended without per-test lines: its passes were not printed, so `passed` is not the count. */
  private passedUnknown = false;

  /** `pkg`: the package whose output this is (`-json` events name it); text output names it on its last line. */
  constructor(
    maxFailures?: number,
    private readonly pkg?: string,
  ) {
    this.builder = new ReportBuilder('go', maxFailures);
  }
  push(line: string): void {
    if (this.panic) {
      if (!PACKAGE.test(line) && !/^exit status \d+$/.test(line)) {
        this.panic.lines = pushCapped(this.panic.lines, line, 1000);
        return;
      }
      this.closePanic();
    }
    // Markers start with `=`, `-` (after blanks), `p`, `#`, `F`, `o`; a build error names a `.go:` file.
    const c = line.charCodeAt(0);
    if (
      c !== 0x3d &&
      c !== 0x20 &&
      c !== 0x09 &&
      c !== 0x2d &&
      c !== 0x70 &&
      c !== 0x23 &&
      c !== 0x46 &&
      c !== 0x6f &&
      !line.includes('.go:')
    )
      return;
    const run = c === 0x3d ? RUN.exec(line) : null;
    if (run) {
      this.verbose = true;
      this.close();
      this.running = run[1]!;
      const parts = this.running.split('/');
      for (let i = 1; i < parts.length; i++) this.parents.add(parts.slice(0, i).join('/'));
      return;
    }
    const result = RESULT.exec(line);
    if (result) {
      this.close();
      const [, status, name] = result;
      if (status !== 'FAIL') this.verbose = true;
      if (status === 'FAIL') this.open = this.failureWithLogs(name!);
      else if (this.parents.has(name!)) {
        // A parent's PASS/SKIP is its subtests' result, counted by them.
      } else if (status === 'PASS') this.builder.pass();
      else this.builder.skip();
      this.logs.delete(name!);
      return;
    }
    const log = LOG.exec(line);
    if (log) {
      const entry = { file: log[1]!, line: Number(log[2]), text: [log[3]!] };
      if (this.open) this.addLog(this.open, entry);
      else this.logsOf(this.running).push(entry);
      return;
    }
    if (/^\s{8,}\S/.test(line)) {
      const target = this.open ? null : this.logsOf(this.running).at(-1);
      if (this.open) this.open.message += `\n${line.trim()}`;
      else target?.text.push(line.trim());
      return;
    }
    const panic = PANIC.exec(line);
    if (panic) {
      this.panic = { message: panic[1]!, lines: [] };
      return;
    }
    const pkg = /^# (\S+)/.exec(line);
    if (pkg) {
      this.close();
      this.buildPackage = pkg[1]!;
      return;
    }
    const build = BUILD.exec(line);
    if (build) {
      this.close();
      const [, file, ln, , message] = build;
      this.builder.add({
        test: this.buildPackage || file!,
        kind: 'BuildError',
        message: message!,
        frames: [frame(file!, Number(ln))],
      });
      return;
    }
    const ended = PACKAGE.exec(line);
    if (ended) {
      this.close();
      this.flush(ended[2]);
      this.endPackage(line);
    }
  }

  bulk(text: string, from: number, to: number): number {
    return this.panic && this.builder.full ? nextStop(PANIC_STOPS, text, from, to) : from;
  }

  private endPackage(line: string): void {
    // A package that did not build, or had no test to run, passed none: that count is exact.
    if (!this.verbose && !/\[(build failed|setup failed|no tests to run)\]/.test(line))
      this.passedUnknown = true;
    this.verbose = false;
  }

  finish(): TestReport {
    if (this.panic) this.closePanic();
    this.close();
    this.flush();
    const report = this.builder.report();
    if (this.passedUnknown) report.passedUnknown = true;
    return report;
  }

  private logsOf(test: string) {
    let list = this.logs.get(test);
    if (!list) this.logs.set(test, (list = []));
    return list;
  }

  private failureWithLogs(name: string): Failure {
    const failure: Failure = { test: name, kind: 'TestFailure', message: '', frames: [] };
    for (const entry of this.logs.get(name) ?? []) this.addLog(failure, entry);
    this.logs.delete(name);
    return failure;
  }

  private addLog(failure: Failure, entry: { file: string; line: number; text: string[] }): void {
    failure.message = [failure.message, entry.text.join('\n')].filter(Boolean).join('\n');
    if (!failure.frames.length) failure.frames.push(frame(entry.file, entry.line));
  }

  private close(): void {
    const open = this.open;
    this.open = null;
    if (!open) return;
    // Once full a held failure is only counted (flush reads its name, message and frames, which this keeps).
    this.held.push(this.builder.full ? open : { ...open, ...withExpectedActual({ ...open }) });
  }

  /**
   * Adds the package's failures, without the parents that failed only because a subtest did, their bare file
   * names (`cart_test.go:14`) put in the package's folder.
   */
  private flush(pkg = this.pkg): void {
    const held = this.held;
    this.held = [];
    const dir = pkg ? packageDir(pkg) : '';
    for (const f of held) {
      if (dir) for (const fr of f.frames) if (!fr.file.includes('/')) fr.file = `${dir}/${fr.file}`;
      const parent = this.parents.has(f.test) || held.some((o) => o.test.startsWith(`${f.test}/`));
      if (parent && !f.message && !f.frames.length) continue;
      if (this.builder.full) this.builder.countOnly();
      else this.builder.add(f);
    }
    this.parents.clear();
  }

  /** A panic belongs to the test just reported failing, or (a timeout) to the test function in the trace. */
  private closePanic(): void {
    const { message, lines } = this.panic!;
    this.panic = null;
    if (this.builder.full) {
      if (this.open?.message) this.builder.countOnly();
      this.open = null;
      return this.builder.countOnly();
    }
    const { frames, test } = goroutine(lines);
    const failure: Failure =
      this.open && !this.open.message
        ? this.open
        : { test: test ?? 'panic', kind: 'panic', message: '', frames: [] };
    this.open = null;
    failure.kind = 'panic';
    failure.message = message;
    failure.frames = frames;
    this.held.push(failure); // added with the package's others when its FAIL line (or the end) comes
  }
}

/** Frames of the first goroutine that runs project code (innermost first), and the test function in it. */
function goroutine(lines: string[]): { frames: Frame[]; test?: string } {
  const stacks: Frame[][] = [];
  let current: Frame[] | null = null;
  let fn = '';
  for (const line of lines) {
    if (/^goroutine \d+ \[/.test(line)) {
      current = [];
      stacks.push(current);
      continue;
    }
    const loc = /^\t(\S+):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(line);
    if (loc && current) {
      current.push(frame(loc[1]!, Number(loc[2]), fn || undefined));
      continue;
    }
    if (line.trim()) fn = line.replace(/\(.*\)$/, '').replace(/^created by /, '');
  }
  const chosen = stacks.find((s) => s.some((f) => f.inProject)) ?? stacks[0] ?? [];
  const testFrame = chosen.find((f) => f.inProject && /\.Test\w*$/.test(f.function ?? ''));
  return { frames: chosen, test: testFrame?.function?.replace(/^.*\./, '') };
}

/**
 * An output event in test2json's layout (fields in its order: Time, Action, Package, Test, Output), whose values
 * need no decoding but the Output's common escapes: such a line is read by this one match, without JSON.parse.
 * Groups: the package, the Output string's body.
 */
const OUTPUT_EVENT =
  // eslint-disable-next-line no-control-regex
  /\{"Time":"[^"\\\x00-\x1f]*","Action":"output","Package":"([^"\\\x00-\x1f]*)"(?:,"Test":"[^"\\\x00-\x1f]*")?,"Output":"((?:[^"\\\x00-\x1f]|\\["\\/nrt])*)"\}/y;
const ESCAPE = /\\(.)/g;
const ESCAPED: Record<string, string> = { n: '\n', r: '\r', t: '\t' };
const unescape = (_: string, c: string) => ESCAPED[c] ?? c;
const EVENT = '{"Time":"';

/**
 * `go test` in either form: text, or `-json` events (`{"Time":…,"Action":"output","Package":…,"Output":…}`),
 * whose output lines are the text form's, parsed per package so interleaved packages stay apart.
 */
export class GoParser implements LineParser {
  private readonly text: GoTextParser;
  private readonly packages = new Map<string, GoTextParser>();
  private partial = new Map<string, string>();

  constructor(private readonly maxFailures?: number) {
    this.text = new GoTextParser(maxFailures);
  }

  /**
   * Event lines (`{"Time":…`, which the JSON collector and the Actions framer pass through unchanged) are read in
   * place, without the per-line chain; text lines go to the text parser's bulk path.
   */
  bulk(text: string, from: number, to: number): number {
    while (from < to) {
      if (text.startsWith(EVENT, from)) {
        const nl = text.indexOf('\n', from);
        // A longer line is cut by the chain before a parser sees it: left to the per-line path.
        if (nl - from > MAX_LINE) return from;
        this.event(text, from, nl);
        from = nl + 1;
        continue;
      }
      const next = this.text.bulk(text, from, to);
      if (next === from) return from;
      from = next;
    }
    return from;
  }

  push(line: string): void {
    if (!line.startsWith('{"')) return this.text.push(line);
    this.event(line, 0, line.length);
  }

  /** The event on `text` [start, end): an output event in test2json's layout is read by one match. */
  private event(text: string, start: number, end: number): void {
    OUTPUT_EVENT.lastIndex = start;
    const m = OUTPUT_EVENT.exec(text);
    if (m !== null && OUTPUT_EVENT.lastIndex === end) {
      const body = m[2]!;
      const escape = body.indexOf('\\');
      // The usual body: one line and its `\n`.
      if (escape === body.length - 2 && body.charCodeAt(escape + 1) === 0x6e)
        return this.output(m[1]!, body.slice(0, escape), true);
      return this.output(m[1]!, escape < 0 ? body : body.replace(ESCAPE, unescape), false);
    }
    const line = start === 0 && end === text.length ? text : text.slice(start, end);
    // Only output events carry text: a run/pass/fail event alone is not parsed at all.
    if (!line.includes('"Output"')) return;
    let event: { Action?: string; Package?: string; ImportPath?: string; Output?: string };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return this.text.push(line);
    }
    const pkg = event.Package ?? event.ImportPath ?? '';
    if (typeof event.Output !== 'string') return;
    this.output(pkg, event.Output);
  }

  /** `line`: `output` is one line without its newline (the usual event), which ends any partial line. */
  private output(pkg: string, output: string, line = false): void {
    let parser = this.packages.get(pkg);
    if (!parser) this.packages.set(pkg, (parser = new GoTextParser(this.maxFailures, pkg || undefined)));
    const partial = this.partial.get(pkg);
    if (line && !partial) return parser.push(output);
    if (line) output += '\n';
    const lines = ((partial ?? '') + output).split('\n');
    this.partial.set(pkg, lines.pop()!);
    for (const l of lines) parser.push(l);
  }
  finish(): TestReport {
    const report = this.text.finish();
    for (const [pkg, parser] of this.packages) {
      const rest = this.partial.get(pkg);
      if (rest) parser.push(rest);
      const r = parser.finish();
      report.passed += r.passed;
      report.failed += r.failed;
      report.skipped += r.skipped;
      report.failures.push(...r.failures);
      if (r.passedUnknown) report.passedUnknown = true;
    }
    return report;
  }
}
