/**
 * Whole-document JSON reporters, told apart by their shape: jest `--json` and vitest `--reporter=json` (the same
 * jest-compatible layout), mocha `--reporter json`, `eslint -f json`, `ruff check --output-format=json`,
 * `pylint --output-format=json|json2`, flake8's JSON formatter. Failure texts go through the runner's extractor.
 */
import { ReportBuilder } from '../builder.js';
import { parseJsError } from '../extract.js';
import { frame } from '../paths.js';
import type { TestReport } from '../types.js';
import { normalizeJsKind } from './js-errors.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The report a parsed JSON document describes, or null when it is no reporter's output we know. */
export function reportFromJson(doc: unknown, maxFailures?: number): TestReport | null {
  if (isObj(doc)) {
    if (Array.isArray(doc.testResults) && 'numTotalTests' in doc) return jestLike(doc, maxFailures);
    if (isObj(doc.stats) && Array.isArray(doc.failures)) return mocha(doc, maxFailures);
    if (Array.isArray(doc.messages) && isObj(doc.statistics)) return pylint(doc.messages, maxFailures);
    const values = Object.values(doc);
    if (
      values.length &&
      values.every((v) => Array.isArray(v) && v.every((e) => isObj(e) && 'code' in e && 'line_number' in e))
    )
      return flake8(doc, maxFailures);
    return null;
  }
  if (!Array.isArray(doc)) return null;
  const first = doc.find(isObj);
  if (!first) return null;
  if ('filePath' in first && 'messages' in first) return eslint(doc, maxFailures);
  if ('code' in first && 'filename' in first && isObj(first.location)) return ruff(doc, maxFailures);
  if ('message-id' in first || ('symbol' in first && 'path' in first)) return pylint(doc, maxFailures);
  return null;
}

function jestLike(doc: Obj, maxFailures?: number): TestReport {
  // vitest's results carry `meta` on each assertion and no jest-only fields such as `openHandles`.
  const vitest =
    !('openHandles' in doc) ||
    arr(doc.testResults).some(
      (r) => isObj(r) && arr(r.assertionResults).some((a) => isObj(a) && 'meta' in a),
    );
  const builder = new ReportBuilder(vitest ? 'vitest' : 'jest', maxFailures, false);
  let suiteErrors = 0;
  for (const suite of arr(doc.testResults).filter(isObj)) {
    const file = str(suite.name);
    const assertions = arr(suite.assertionResults).filter(isObj);
    for (const a of assertions) {
      if (a.status !== 'failed') continue;
      if (builder.full) {
        builder.countOnly();
        continue;
      }
      const title = [...arr(a.ancestorTitles).map(str), str(a.title)].join(vitest ? ' > ' : ' › ');
      const text = arr(a.failureMessages).map(str).join('\n');
      const info = normalizeJsKind(parseJsError(text.split('\n')));
      const loc = isObj(a.location) ? num(a.location.line) : 0;
      builder.add({ test: vitest ? `${file} > ${title}` : title, file, line: loc || undefined, ...info });
    }
    // A suite that failed to run (syntax error, missing module) has a message and no assertions.
    if (!assertions.length && str(suite.status) === 'failed' && str(suite.message)) {
      suiteErrors++;
      if (builder.full) {
        builder.countOnly();
        continue;
      }
      const info = normalizeJsKind(parseJsError(str(suite.message).split('\n')));
      builder.add({ test: file, file, ...info });
    }
  }
  builder.addSummary({
    passed: num(doc.numPassedTests),
    failed: num(doc.numFailedTests) + (num(doc.numRuntimeErrorTestSuites) || suiteErrors),
    skipped: num(doc.numPendingTests) + num(doc.numTodoTests),
  });
  return builder.report();
}

function mocha(doc: Obj, maxFailures?: number): TestReport {
  const builder = new ReportBuilder('mocha', maxFailures, false);
  for (const f of arr(doc.failures).filter(isObj)) {
    if (builder.full) {
      builder.countOnly();
      continue;
    }
    const err = isObj(f.err) ? f.err : {};
    const stack = str(err.stack) || str(err.message);
    const info = normalizeJsKind(parseJsError(stack.split('\n')));
    if (err.actual !== undefined && err.expected !== undefined) {
      info.actual = str(err.actual);
      info.expected = str(err.expected);
    }
    builder.add({ test: str(f.fullTitle) || str(f.title), file: str(f.file) || undefined, ...info });
  }
  const stats = doc.stats as Obj;
  builder.addSummary({ passed: num(stats.passes), failed: num(stats.failures), skipped: num(stats.pending) });
  return builder.report();
}

function eslint(doc: unknown[], maxFailures?: number): TestReport {
  const builder = new ReportBuilder('eslint', maxFailures, false);
  for (const file of doc.filter(isObj)) {
    const path = str(file.filePath);
    for (const m of arr(file.messages).filter(isObj)) {
      if (builder.full) {
        builder.countOnly();
        continue;
      }
      const line = num(m.line);
      const message = str(m.message);
      builder.add({
        test: `${path}:${line}:${num(m.column)}`,
        kind: str(m.ruleId) || (m.fatal || /^Parsing error/.test(message) ? 'parsing-error' : 'eslint'),
        message,
        frames: line ? [frame(path, line)] : [],
        ...(line ? {} : { file: path }),
      });
    }
  }
  return builder.report();
}

function ruff(doc: unknown[], maxFailures?: number): TestReport {
  const builder = new ReportBuilder('ruff', maxFailures, false);
  for (const d of doc.filter(isObj)) {
    if (builder.full) {
      builder.countOnly();
      continue;
    }
    const file = str(d.filename);
    const loc = d.location as Obj;
    const line = num(loc.row);
    builder.add({
      test: `${file}:${line}:${num(loc.column)}`,
      kind: str(d.code) || 'syntax-error',
      message: str(d.message),
      frames: [frame(file, line)],
    });
  }
  return builder.report();
}

function pylint(doc: unknown[], maxFailures?: number): TestReport {
  const builder = new ReportBuilder('pylint', maxFailures, false);
  for (const d of doc.filter(isObj)) {
    if (builder.full) {
      builder.countOnly();
      continue;
    }
    const file = str(d.path);
    const line = num(d.line);
    builder.add({
      test: `${file}:${line}:${num(d.column)}`,
      kind: str(d.symbol) || str(d['message-id']) || str(d.messageId),
      message: str(d.message),
      frames: [frame(file, line)],
    });
  }
  return builder.report();
}

function flake8(doc: Obj, maxFailures?: number): TestReport {
  const builder = new ReportBuilder('flake8', maxFailures, false);
  for (const [file, list] of Object.entries(doc)) {
    for (const d of arr(list).filter(isObj)) {
      if (builder.full) {
        builder.countOnly();
        continue;
      }
      const line = num(d.line_number);
      builder.add({
        test: `${file}:${line}:${num(d.column_number)}`,
        kind: str(d.code),
        message: str(d.text),
        frames: [frame(str(d.filename) || file, line)],
      });
    }
  }
  return builder.report();
}
