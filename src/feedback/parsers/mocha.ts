/** Mocha's spec reporter: the numbered failure list after `N failing`, and `Exception during run`. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { parseJsError } from '../extract.js';
import { pathInText } from '../paths.js';
import { MAX_LINE, pushCapped } from '../text.js';
import type { TestReport } from '../types.js';
import { normalizeJsKind } from './js-errors.js';
import { indentEnd, otherSpace } from './line-loop.js';
import { isChainStop } from '../bulk.js';

const COUNT = /^\s+(\d+) (passing|pending|failing)\b/;
const ENTRY = /^\s{2}(\d+)\) (.*)$/;

export class MochaParser implements LineParser {
  private readonly builder: ReportBuilder;
  private listing = false;
  private block: { title: string[]; titleDone: boolean; lines: string[]; crash: boolean } | null = null;
  private counts: Record<string, number> | null = null;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('mocha', maxFailures);
  }
  push(line: string): void {
    // Each marker's pattern needs a certain first character after spaces and tabs (a digit for a count or an
    // entry, `E` for a crash); a line that starts with another plain character is tested against none of them.
    const i = indentEnd(line, 0, line.length);
    const c = line.charCodeAt(i);
    const odd = !(c > 0x20 && c < 0x7f);
    const digit = c >= 0x30 && c <= 0x39;
    const count = (digit && i > 0) || odd ? COUNT.exec(line) : null;
    if (count) {
      this.close();
      this.counts ??= {};
      this.counts[count[2]!] = Number(count[1]);
      if (count[2] === 'failing') this.listing = true;
      return;
    }
    const crash = c === 0x45 /* E */ || odd ? /^\s*Exception during run: (.*)$/.exec(line) : null;
    if (crash) {
      this.close();
      this.block = { title: ['Exception during run'], titleDone: true, lines: [crash[1]!], crash: true };
      return;
    }
    const entry = this.listing && (digit || odd) ? ENTRY.exec(line) : null;
    if (entry) {
      this.close();
      const title = entry[2]!;
      const done = title.endsWith(':');
      this.block = { title: [done ? title.slice(0, -1) : title], titleDone: done, lines: [], crash: false };
      return;
    }
    if (!this.block) return;
    if (!this.block.titleDone) {
      const part = line.trim();
      if (part.endsWith(':')) this.block.titleDone = true;
      if (part) this.block.title.push(part.replace(/:$/, ''));
      return;
    }
    if (this.block.crash && /^\}$/.test(line)) return this.close();
    this.block.lines = pushCapped(this.block.lines, line);
  }

  /** Every line: one that may be a count, an entry or a crash, a block's title or a crash's
   * closing `}` is pushed; another one is sliced only into a block whose details are kept. One loop with the tests
   * inline (see `JestParser.bulk`). */
  bulk(text: string, from: number, to: number): number {
    for (let start = from; start < to;) {
      const end = text.indexOf('\n', start);
      if (end < 0 || end >= to || end - start > MAX_LINE) return start;
      const c0 = text.charCodeAt(start);
      let i = start;
      if (c0 === 0x20 || c0 === 0x09) i = indentEnd(text, start, end);
      else if (isChainStop(text, start)) return start;
      const c = text.charCodeAt(i);
      const block = this.block;
      if (
        (i < end &&
          ((i > start && c >= 0x30 && c <= 0x39 && countOrEntry(text, i)) ||
            (c === 0x45 /* E */ && text.startsWith('Exception during run: ', i)) ||
            otherSpace(text, i))) ||
        (block !== null && (!block.titleDone || (block.crash && end - start === 1)))
      )
        this.push(text.slice(start, end));
      else if (block && !this.builder.full) block.lines = pushCapped(block.lines, text.slice(start, end));
      start = end + 1;
    }
    return to;
  }

  finish(): TestReport {
    this.close();
    if (this.counts) {
      this.builder.addSummary({
        passed: this.counts.passing ?? 0,
        failed: this.counts.failing ?? 0,
        skipped: this.counts.pending ?? 0,
      });
    }
    return this.builder.report();
  }

  private close(): void {
    if (!this.block) return;
    const { title, lines } = this.block;
    this.block = null;
    if (this.builder.full) return this.builder.countOnly();
    const info = normalizeJsKind(parseJsError(lines));
    this.builder.add({ test: title.join(' '), file: pathInText(info.message), ...info });
  }
}

/** True when the digits at `i` (after an indent) are followed as in a count (`3 failing`) or an entry (`3) …`). */
function countOrEntry(text: string, i: number): boolean {
  let c = text.charCodeAt(i);
  while (c >= 0x30 && c <= 0x39) c = text.charCodeAt(++i);
  return c === 0x20 || c === 0x29;
}
