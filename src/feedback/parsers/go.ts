/**
 * `go test` in either form: text (`go-text.ts`) or `-json` events, whose output lines are the text form's.
 */
import type { LineParser } from '../builder.js';
import { isChainStop } from '../bulk.js';
import { MAX_LINE } from '../text.js';
import type { TestReport } from '../types.js';
import { GoTextParser } from './go-text.js';

export { GoTextParser, packageDir } from './go-text.js';

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
   * Reads every whole line of the chunk itself, as the chain would hand them over (`bulk.ts`): event lines
   * (`{"Time":…`, which the JSON collector and the Actions framer pass through unchanged) in place, text lines
   * straight to the text parser (go -v prints a marker on every line, so there are no lines to skip; what is saved
   * is the chain's work per line), a panic's trace once full skipped by the text parser's bulk path.
   */
  bulk(text: string, from: number, to: number): number {
    let start = from;
    while (start < to) {
      const nl = text.indexOf('\n', start);
      // A longer line is cut by the chain before a parser sees it: left to the per-line path.
      if (nl - start > MAX_LINE) return start;
      if (text.startsWith(EVENT, start)) this.event(text, start, nl);
      else if (isChainStop(text, start)) return start;
      else {
        const next = this.text.bulk(text, start, to);
        if (next !== start) {
          start = next;
          continue;
        }
        this.text.push(text.slice(start, nl));
      }
      start = nl + 1;
    }
    return start;
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
