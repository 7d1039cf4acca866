/**
 * JUnit XML from any writer (pytest --junitxml, jest-junit, vitest, mocha xunit, node:test, eslint -f junit):
 * scanned element by element so only one <testcase> is held in memory. The failure body is the runner's own
 * text, so it goes through that runner's extractor (pytest block, Python traceback, JS stack).
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { parseJsError, parsePythonTraceback, withExpectedActual, type ErrorInfo } from '../extract.js';
import { frame, pathInText } from '../paths.js';
import type { TestReport } from '../types.js';
import { normalizeJsKind } from './js-errors.js';
import { parseJvmError } from './jvm.js';
import { phpError } from './phpunit.js';
import { parsePytestBlock } from './pytest.js';
import { ElementScanner } from './xml-scan.js';

const SOURCE_PATH = /[/\\]|\.[cm]?[jt]sx?$|\.py$/;
const START = /<(testsuite|testcase)\b/g;
const FAIL = /<(failure|error)\b((?:[^>"']|"[^"]*"|'[^']*')*?)(?:\/>|>([\s\S]*?)<\/\1>)/;

export class JunitParser implements LineParser {
  private readonly builder: ReportBuilder;
  /** The current `<testsuite>`'s attribute text, decoded only when a kept failure needs it. */
  private suiteText = '';
  private suiteAttrs: Record<string, string> | null = {};
  private readonly scanner = new ElementScanner(
    START,
    ['testcase', 'testsuite'],
    (name) => name === 'testcase',
    (name, attrs, body) => {
      if (name === 'testcase') this.testcase(attrs, body);
      else {
        this.suiteText = attrs;
        this.suiteAttrs = null;
      }
    },
  );

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('junit', maxFailures);
  }

  push(line: string): void {
    this.scanner.pushLine(line);
  }

  bulk(text: string, from: number, to: number): number {
    return this.scanner.bulk(text, from, to);
  }

  finish(): TestReport {
    this.scanner.finish();
    return this.builder.report();
  }

  private get suite(): Record<string, string> {
    return (this.suiteAttrs ??= attributes(this.suiteText));
  }

  /** One `<testcase>`: its attributes are decoded only when it failed and its details are kept. */
  private testcase(attrText: string, body: string): void {
    if (body === '') return this.builder.pass();
    // Once the report is full a failure is only counted: no match array, no attributes.
    if (this.builder.full) {
      if (FAIL.test(body)) this.builder.countOnly();
      else if (body.includes('<skipped')) this.builder.skip();
      else this.builder.pass();
      return;
    }
    const fail = FAIL.exec(body);
    if (!fail) {
      if (body.includes('<skipped')) this.builder.skip();
      else this.builder.pass();
      return;
    }
    const attrs = attributes(attrText);
    const fa = attributes(fail[2]!);
    const text = decode(fail[3] ?? '');
    const name = attrs.name ?? '';
    const classname = attrs.classname ?? '';
    if (this.suite.package === 'org.eslint') {
      const file = this.suite.name ?? classname;
      const at = /line (\d+), col (\d+)/.exec(text);
      const line = at ? Number(at[1]) : 0;
      this.builder.add({
        test: `${file}:${line}:${at?.[2] ?? 0}`,
        kind: /^Parsing error/.test(fa.message ?? '') ? 'parsing-error' : name.replace(/^org\.eslint\./, ''),
        message: fa.message ?? text,
        frames: at ? [frame(file, line)] : [],
      });
      return;
    }
    const info = bodyInfo(text, fa, classname);
    const file =
      attrs.file ?? (SOURCE_PATH.test(classname) ? classname : undefined) ?? pathInText(info.message);
    this.builder.add({
      test: testName(classname, name),
      file,
      line: attrs.line ? Number(attrs.line) : undefined,
      ...info,
    });
  }
}

function bodyInfo(text: string, fa: Record<string, string>, testClass: string): ErrorInfo {
  const lines = text
    .replace(/^\s*\n/, '')
    .trimEnd()
    .split('\n');
  let info: ErrorInfo | null = null;
  if (lines.some((l) => /^E\s|^\[XPASS/.test(l))) info = parsePytestBlock(lines);
  else if (lines.some((l) => /Traceback \(most recent call last\)/.test(l)))
    info = parsePythonTraceback(lines);
  else if (lines.some((l) => /^\s+at [\w$.]+\([\w$]+\.(java|kt|scala|groovy):\d+\)/.test(l)))
    info = parseJvmError(lines, { testClass });
  else if (lines.some((l) => /^\S+\.php:\d+$/.test(l)))
    info = phpError(
      lines.slice(1),
      fa.type === 'PHPUnit\\Framework\\ExpectationFailedException' ? 'failure' : 'error',
    );
  else if (lines.some((l) => /^\s*at \S|❯ \S+:\d+:\d+/.test(l))) {
    const cause = lines.findIndex((l) => /^\s*cause: /.test(l));
    const from = cause >= 0 ? [lines[cause]!.replace(/cause: /, ''), ...lines.slice(cause + 1)] : lines;
    info = normalizeJsKind(parseJsError(from));
  }
  if (!info || (!info.message && fa.message)) {
    info = withExpectedActual({
      kind: info?.kind ?? 'Error',
      message: fa.message ?? text.trim(),
      frames: info?.frames ?? [],
    });
  }
  if (info.kind === 'Error' && fa.type && /^[A-Z]\w*(Error|Exception)$/.test(fa.type)) info.kind = fa.type;
  return normalizeJsKind(info);
}

/** `classname` + `name` without repeating what the writer already put in both. */
function testName(classname: string, name: string): string {
  if (!classname || classname === 'test' || name.startsWith(classname) || classname === name) return name;
  if (SOURCE_PATH.test(classname)) return `${classname} > ${name}`;
  return `${classname}.${name}`;
}

const ATTRIBUTE = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(ATTRIBUTE)) out[m[1]!] = decode(m[2] ?? m[3] ?? '');
  return out;
}

/** `attributes(text)[name]` without decoding the others (the last of repeated names wins, as there). */
export function attribute(text: string, name: string): string | undefined {
  let value: string | undefined;
  ATTRIBUTE.lastIndex = 0;
  for (let m = ATTRIBUTE.exec(text); m !== null; m = ATTRIBUTE.exec(text))
    if (m[1] === name) value = m[2] ?? m[3] ?? '';
  return value === undefined ? undefined : decode(value);
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decode(text: string): string {
  // CDATA sections are literal; entities are decoded only outside them. Most values hold neither.
  if (!text.includes('&') && !text.includes('<![CDATA[')) return text;
  return text
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part)))
    .join('');
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e] ?? all;
  });
}
