/**
 * Gathers whole JSON documents out of a log (a reporter's JSON on stdout, possibly between other output): a
 * one-line document (`{"numFailedTestSuites":…}`, `[{"filePath":…}]`) or a pretty-printed one from a line `{`
 * or `[` to its closing line at column 0. Raw lines are taken before the length cap that text lines get, so a
 * 5 MB one-line report is read whole. Line-oriented JSON (go test -json, libtest json) is left to its parsers.
 */
import { MAX_FAILURES } from './builder.js';
import { reportFromJson } from './parsers/json-reports.js';
import type { TestReport } from './types.js';

/** Largest JSON document kept (bytes); a longer one is dropped and the text parsers' report stands. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
const LINE_JSON = /^\{ ?"(Time|ImportPath|Action|type|reason)"/;

export class JsonCollector {
  private pretty: string[] | null = null;
  private prettyBytes = 0;
  private readonly reports: TestReport[] = [];
  /** Failures kept so far over all documents: a later document only counts once the cap is reached. */
  private kept = 0;

  constructor(private readonly maxFailures = MAX_FAILURES) {}

  /** True when the line starts (or continues) a long one-line document: the stream should keep it whole. */
  static startsDocument(raw: string): boolean {
    return (raw.startsWith('{"') || raw.startsWith('[{"')) && !LINE_JSON.test(raw);
  }

  /** True while inside a pretty-printed document (its lines are JSON, not a runner's text). */
  get inDocument(): boolean {
    return this.pretty !== null;
  }

  /** Returns true when the line was (part of) a document: it is JSON, not a runner's text. */
  push(raw: string): boolean {
    const first = raw.charCodeAt(0);
    // Only lines that start with `{` or `[` open or are a document: the common case is one comparison.
    if (!this.pretty && first !== 0x7b && first !== 0x5b) return false;
    if (this.pretty) {
      this.prettyBytes += raw.length + 1;
      if (this.prettyBytes > MAX_JSON_BYTES) {
        this.pretty = null;
        return false;
      }
      this.pretty.push(raw);
      if (raw === '}' || raw === ']') {
        if (this.accept(this.pretty.join('\n'))) this.pretty = null;
      }
      return false;
    }
    if (raw === '{' || raw === '[') {
      this.pretty = [raw];
      this.prettyBytes = 2;
      return false;
    }
    if (raw === '[]') return this.accept(raw);
    if (JsonCollector.startsDocument(raw) && (raw.endsWith('}') || raw.endsWith(']')))
      return this.accept(raw);
    return false;
  }

  /** The reports of the documents recognised, merged (several eslint runs add up); null when none. */
  report(): TestReport | null {
    if (!this.reports.length) return null;
    const [first, ...rest] = this.reports;
    const out: TestReport = { ...first!, failures: [...first!.failures] };
    for (const r of rest) {
      out.passed += r.passed;
      out.failed += r.failed;
      out.skipped += r.skipped;
      out.failures.push(...r.failures);
    }
    return out;
  }

  private accept(text: string): boolean {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return false;
    }
    // `[]` is eslint's (or ruff's) report of a clean run: a result, with nothing in it.
    const room = Math.max(0, this.maxFailures - this.kept);
    const report = Array.isArray(doc) && doc.length === 0 ? null : reportFromJson(doc, room);
    if (report) {
      this.kept += report.failures.length;
      this.reports.push(report);
    }
    return true;
  }
}
