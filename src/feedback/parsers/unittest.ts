/** Python's unittest text runner (default and `-v`), including loader import errors. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { parsePythonTraceback } from '../extract.js';
import { eachLine } from './line-loop.js';
import { firstChars } from './line-scan.js';
import { pushCapped } from '../text.js';
import type { TestReport } from '../types.js';

const RULE = /^(=|-){50,}$/;
const HEADER = /^(FAIL|ERROR|UNEXPECTED SUCCESS): (\S+) \((.+)\)$/;
const RAN = /^Ran (\d+) tests? in /;
const RESULT = /^(FAILED|OK)(?: \((.*)\))?$/;
// The markers' first characters: outside a block, and inside one once full (counted, not read), only these.
const STOPS = firstChars('=-FEUOR');

export class UnittestParser implements LineParser {
  private readonly builder: ReportBuilder;
  private block: { test: string; status: string; lines: string[] } | null = null;
  private ran = 0;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('unittest', maxFailures);
  }
  push(line: string): void {
    const first = line.charCodeAt(0);
    // Every marker starts with one of `=-FEUOR` at column 0: other lines are block text or nothing.
    if (
      first !== 0x3d &&
      first !== 0x2d &&
      first !== 0x46 &&
      first !== 0x45 &&
      first !== 0x55 &&
      first !== 0x4f &&
      first !== 0x52
    ) {
      if (this.block) this.block.lines = pushCapped(this.block.lines, line);
      return;
    }
    if (RULE.test(line)) {
      if (this.block && !this.block.lines.length && line.startsWith('-')) return; // the rule under a header
      return this.close();
    }
    const header = HEADER.exec(line);
    if (header) {
      this.close();
      this.block = { test: testId(header[2]!, header[3]!), status: header[1]!, lines: [] };
      return;
    }
    const ran = RAN.exec(line);
    if (ran) {
      this.close();
      this.ran = Number(ran[1]);
      return;
    }
    const result = RESULT.exec(line);
    if (result && !this.block) {
      const { failed, skipped } = resultCounts(result[2] ?? '');
      this.builder.addSummary({ passed: Math.max(0, this.ran - failed - skipped), failed, skipped });
      this.ran = 0;
      return;
    }
    if (this.block) {
      this.block.lines = pushCapped(this.block.lines, line);
    }
  }

  /**
   * Every line of the chunk is read here: a line that can be no marker (told by its first character) goes to the
   * open block directly, or nowhere; once full a block keeps only its first line (its emptiness tells the `---`
   * rule under a header: the block is counted, not read). Markers go to `push`.
   */
  bulk(text: string, from: number, to: number): number {
    return eachLine(text, from, to, (start, end) => {
      const block = this.block;
      if (STOPS.ascii[text.charCodeAt(start)] === 1) this.push(text.slice(start, end));
      else if (block && (!this.builder.full || !block.lines.length))
        block.lines = pushCapped(block.lines, text.slice(start, end));
      return true;
    });
  }

  finish(): TestReport {
    this.close();
    return this.builder.report();
  }

  private close(): void {
    if (!this.block) return;
    const { test, status, lines } = this.block;
    this.block = null;
    if (this.builder.full) return this.builder.countOnly();
    const info = parsePythonTraceback(lines) ?? {
      kind: status === 'UNEXPECTED SUCCESS' ? 'UnexpectedSuccess' : 'Error',
      message: lines.join('\n').trim(),
      frames: [],
    };
    this.builder.add({ test, ...info });
  }
}

const COUNT = /(\w+)=(\d+)/g;

/** `failures=2, errors=1, skipped=1` (the last of a word wins): failed and skipped tests. */
function resultCounts(text: string): { failed: number; skipped: number } {
  let failures = 0;
  let errors = 0;
  let unexpected = 0;
  let skipped = 0;
  let expected = 0;
  COUNT.lastIndex = 0;
  for (let m = COUNT.exec(text); m !== null; m = COUNT.exec(text)) {
    const n = Number(m[2]);
    switch (m[1]) {
      case 'failures':
        failures = n;
        break;
      case 'errors':
        errors = n;
        break;
      case 'unexpected_successes':
        unexpected = n;
        break;
      case 'skipped':
        skipped = n;
        break;
      case 'expected_failures':
        expected = n;
        break;
    }
  }
  return { failed: failures + errors + unexpected, skipped: skipped + expected };
}

/** `test_x (pkg.mod.Class.test_x)` (3.11+) or `test_x (pkg.mod.Class)` → `pkg.mod.Class.test_x`. */
function testId(name: string, where: string): string {
  if (where.includes('_FailedTest')) return name;
  return where.endsWith(`.${name}`) ? where : `${where}.${name}`;
}
