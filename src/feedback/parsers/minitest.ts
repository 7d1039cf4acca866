/**
 * Minitest (`rake test`, `ruby -Itest test/x_test.rb`, `rails test`): numbered `Failure:`/`Error:` blocks, where
 * a failure names its location in brackets (`CartTest#test_total [/app/test/cart_test.rb:13]:`) and an error
 * carries a backtrace; the `N runs, A assertions, F failures, E errors, S skips` summary.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { frame } from '../paths.js';
import { eachLine } from './line-loop.js';
import { DIGITS, firstChars, isBlank, NEXT, STOP, walkLines } from './line-scan.js';
import { pushCapped } from '../text.js';
import type { Failure, TestReport } from '../types.js';
import { parseRubyError } from './ruby.js';

const ENTRY = /^\s{2}\d+\) (Failure|Error|Skipped):$/;
const TITLE = /^(\S.*?)(?: \[(\S+?):(\d+)\])?:$/;
const SUMMARY = /^(\d+) (?:runs|tests), (\d+) assertions, (\d+) failures, (\d+) errors, (\d+) skips$/;
// Outside a block: an entry or the summary; inside a titled block once full (counted, not read): also its end.
// By first character (an entry is `[^\\S\\n]{2}\\d`; the block ends are `Finished in `, `rake aborted!`, `Tasks: `).
const IDLE_STOPS = firstChars(' \\t' + DIGITS, true);
const FULL_STOPS = firstChars(' \\tFrT' + DIGITS, true);

export class MinitestParser implements LineParser {
  private readonly builder: ReportBuilder;
  private block: { type: string; title: string | null; at?: [string, number]; lines: string[] } | null = null;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('minitest', maxFailures);
  }

  push(line: string): void {
    const c = line.charCodeAt(0);
    const entry = c === 0x20 ? ENTRY.exec(line) : null;
    if (entry) {
      this.close();
      this.block = { type: entry[1]!, title: null, lines: [] };
      return;
    }
    const summary = c >= 0x30 && c <= 0x39 ? SUMMARY.exec(line) : null;
    if (summary) {
      this.close();
      const [, runs, , failures, errors, skips] = summary;
      const failed = Number(failures) + Number(errors);
      this.builder.addSummary({
        passed: Number(runs) - failed - Number(skips),
        failed,
        skipped: Number(skips),
      });
      return;
    }
    if (!this.block) return;
    if (this.block.title === null) {
      const t = TITLE.exec(line);
      this.block.title = t ? t[1]! : line.trim();
      if (t?.[2]) this.block.at = [t[2], Number(t[3])];
      return;
    }
    if (/^(Finished in |rake aborted!|Tasks: )/.test(line)) return this.close();
    this.block.lines = pushCapped(this.block.lines, line);
  }

  /**
   * Inside a titled block until full, the lines that are no entry, summary or block end (by first character) go
   * to it directly, the others to `push`; else only those lines are read, the others skipped.
   */
  bulk(text: string, from: number, to: number): number {
    const block = this.block;
    if (block && block.title !== null && !this.builder.full)
      return eachLine(text, from, to, (start, end) => {
        const open = this.block;
        if (this.builder.full || !open || open.title === null) return false;
        const c = text.charCodeAt(start);
        const line = text.slice(start, end);
        if (c === 0x20 ? entryAt(text, start) === STOP : c < 0x80 && FULL_STOPS.ascii[c] === 1)
          this.push(line);
        else open.lines = pushCapped(open.lines, line);
        return true;
      });
    if (block && !(this.builder.full && block.title !== null)) return from;
    return walkLines(text, from, to, block ? FULL_STOPS : IDLE_STOPS, (start, _end, c) => {
      if (c >= 0x30 && c <= 0x39) return STOP;
      if (c === 0x20 || c === 0x09 || (c > 0x7f && isBlank(text, start))) return entryAt(text, start);
      return c > 0x7f ? NEXT : STOP; // F, r, T: a possible block end
    });
  }

  finish(): TestReport {
    this.close();
    return this.builder.report();
  }

  private close(): void {
    const block = this.block;
    this.block = null;
    if (!block || block.type === 'Skipped' || block.title === null) return;
    if (this.builder.full) return this.builder.countOnly();
    const info = parseRubyError(block.lines, block.type === 'Failure' ? 'Minitest::Assertion' : 'Error');
    const failure: Failure = { test: block.title, ...info };
    if (block.at) {
      // A failure's bracket location is where the assertion ran: frames (with --verbose backtraces) come first.
      failure.file = block.at[0];
      failure.line = block.at[1];
      if (!failure.frames.length) failure.frames = [frame(block.at[0], block.at[1])];
    }
    this.builder.add(failure);
  }
}

/** STOP at an indented line that may be an entry (`[^\S\n]{2}\d`), NEXT at other indented lines. */
function entryAt(text: string, start: number): number {
  if (!isBlank(text, start + 1)) return NEXT;
  const c = text.charCodeAt(start + 2);
  return c >= 0x30 && c <= 0x39 ? STOP : NEXT;
}
