/** Vitest's default and verbose reporters: `FAIL  file > suite > test` blocks and the `Tests` summary. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { parseJsError } from '../extract.js';
import { MAX_LINE, pushCapped } from '../text.js';
import type { TestReport } from '../types.js';
import { addTestsSummary, normalizeJsKind } from './js-errors.js';
import { indentEnd, otherSpace } from './line-loop.js';
import { isChainStop } from '../bulk.js';

const BLOCK = /^\s*FAIL\s+(.+?)(?: \[ (.+) \])?$/;
const TESTS = /^\s*Tests\s+(.*?)\s*\(\d+\)$/;
const SEPARATOR = /^⎯{3,}/;

export class VitestParser implements LineParser {
  private readonly builder: ReportBuilder;
  private block: { title: string; suite: boolean; lines: string[] } | null = null;
  private suiteErrors = 0;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('vitest', maxFailures);
  }
  push(line: string): void {
    const block = BLOCK.exec(line);
    if (block) {
      this.close();
      this.block = { title: block[2] ?? block[1]!, suite: block[2] !== undefined, lines: [] };
      return;
    }
    if (SEPARATOR.test(line)) return this.close();
    const tests = TESTS.exec(line);
    if (tests) {
      this.close();
      addTestsSummary(this.builder, tests[1]!, this.suiteErrors);
      this.suiteErrors = 0;
      return;
    }
    if (/^\s*Test Files\s/.test(line)) return this.close();
    if (this.block) {
      this.block.lines = pushCapped(this.block.lines, line);
    }
  }

  /** Every line: one that may be a marker (`FAIL`, `Test…`, `⎯`) is pushed, another one is sliced only when a block
   * whose details are kept takes it. One loop with the tests inline (see `JestParser.bulk`). */
  bulk(text: string, from: number, to: number): number {
    for (let start = from; start < to;) {
      const end = text.indexOf('\n', start);
      if (end < 0 || end >= to || end - start > MAX_LINE) return start;
      const c = text.charCodeAt(start);
      let i = start;
      if (c === 0x20 || c === 0x09) i = indentEnd(text, start, end);
      else if (isChainStop(text, start)) return start;
      const d = text.charCodeAt(i);
      if (
        (i < end && (d === 0x46 /* F */ || d === 0x54 /* T */ || otherSpace(text, i))) ||
        c === 0x23af /* ⎯ */
      )
        this.push(text.slice(start, end));
      else if (this.block && !this.builder.full)
        this.block.lines = pushCapped(this.block.lines, text.slice(start, end));
      start = end + 1;
    }
    return to;
  }

  finish(): TestReport {
    this.close();
    if (this.suiteErrors && this.builder.hasSummary) this.builder.addSummary({ failed: this.suiteErrors });
    return this.builder.report();
  }

  private close(): void {
    if (!this.block) return;
    const { title, suite, lines } = this.block;
    this.block = null;
    if (suite) this.suiteErrors++;
    if (this.builder.full) return this.builder.countOnly();
    const info = normalizeJsKind(parseJsError(lines));
    const file = title.split(' > ')[0]!;
    this.builder.add({ test: title, file, ...info });
  }
}
