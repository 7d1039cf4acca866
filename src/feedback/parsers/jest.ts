/** Jest's default reporter (with or without `--verbose`), including suites that failed to run. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { parseJsError } from '../extract.js';
import { MAX_LINE, pushCapped } from '../text.js';
import type { TestReport } from '../types.js';
import { addTestsSummary, normalizeJsKind } from './js-errors.js';
import { indentEnd, otherSpace } from './line-loop.js';
import { isChainStop } from '../bulk.js';

const FILE = /^\s*(PASS|FAIL)\s+(\S.*?)(?: \(\d.*\))?$/;
const BLOCK = /^\s{2}● (.+)$/;
const TESTS = /^Tests:\s+(.*)$/;

export class JestParser implements LineParser {
  private readonly builder: ReportBuilder;
  private file = '';
  private block: { title: string; lines: string[] } | null = null;
  private suiteErrors = 0;
  private repeating = false;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('jest', maxFailures);
  }
  push(line: string): void {
    // Markers start with P, F, S, T or (indented) a `●` block title: a cheap look before any regex.
    const c = line.charCodeAt(0);
    const marker =
      c === 0x50 ||
      c === 0x46 ||
      c === 0x53 ||
      c === 0x54 ||
      (c === 0x20 && line.charCodeAt(2) === 0x25cf) ||
      (c <= 0x20 && /^\s*(PASS|FAIL)/.test(line));
    if (!marker) {
      if (this.block) this.block.lines = pushCapped(this.block.lines, line);
      return;
    }
    const file = FILE.exec(line);
    if (file) {
      this.close();
      this.file = file[2]!;
      return;
    }
    if (/^Summary of all failing tests/.test(line)) {
      this.close();
      this.repeating = true;
      return;
    }
    const tests = TESTS.exec(line);
    if (tests) {
      this.close();
      addTestsSummary(this.builder, tests[1]!, this.suiteErrors);
      this.suiteErrors = 0;
      this.repeating = false;
      return;
    }
    if (/^Test Suites:/.test(line)) return this.close();
    const block = BLOCK.exec(line);
    if (block && !this.repeating) {
      this.close();
      this.block = { title: block[1]!, lines: [] };
      return;
    }
    if (this.block) {
      this.block.lines = pushCapped(this.block.lines, line);
    }
  }

  /** Every line: a marker (the same first-character look as `push`) is pushed; another one is sliced only when a
   * block whose details are kept takes it. One loop with the tests inline: a walk through a shared callback
   * (`eachLine`) measured ~2x slower, and so did a multiline regex of the markers once full. */
  bulk(text: string, from: number, to: number): number {
    for (let start = from; start < to;) {
      const end = text.indexOf('\n', start);
      if (end < 0 || end >= to || end - start > MAX_LINE) return start;
      const c = text.charCodeAt(start);
      if (c === 0x20 || c === 0x09) {
        const i = indentEnd(text, start, end);
        const d = text.charCodeAt(i);
        if (
          (c === 0x20 && text.charCodeAt(start + 2) === 0x25cf) /* ● */ ||
          (d >= 0x80 && otherSpace(text, i)) ||
          (d === 0x50 && text.startsWith('PASS', i)) ||
          (d === 0x46 && text.startsWith('FAIL', i))
        ) {
          this.push(text.slice(start, end));
        } else if (this.block && !this.builder.full)
          this.block.lines = pushCapped(this.block.lines, text.slice(start, end));
      } else if (c === 0x50 || c === 0x46 || c === 0x53 || c === 0x54 /* P F S T */) {
        this.push(text.slice(start, end));
      } else if (isChainStop(text, start)) {
        return start;
      } else if ((c < 0x20 && start < end) || otherSpace(text, start)) {
        this.push(text.slice(start, end));
      } else if (this.block && !this.builder.full)
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
    const { title, lines } = this.block;
    this.block = null;
    if (title === 'Test suite failed to run') this.suiteErrors++;
    if (this.builder.full) return this.builder.countOnly();
    const suite = title === 'Test suite failed to run';
    const info = normalizeJsKind(parseJsError(lines));
    this.builder.add({ test: suite ? this.file : title, file: this.file || undefined, ...info });
  }
}
