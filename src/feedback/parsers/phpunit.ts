/**
 * PHPUnit (9–11) default and `--testdox` output: numbered blocks under `There were N failures:` (message, then
 * `/path/File.php:29` frames innermost first), testdox's `✘ name` with its `│` box, and the
 * `Tests: 6, Assertions: 4, Errors: 1, Failures: 3, Skipped: 1.` / `OK (6 tests, 4 assertions)` summary.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { withExpectedActual, type ErrorInfo } from '../extract.js';
import { frame } from '../paths.js';
import { eachLine } from './line-loop.js';
import { pushCapped } from '../text.js';
import type { Frame, TestReport } from '../types.js';

const SECTION =
  /^There (?:was|were) \d+ (error|failure|warning|risky test|incomplete test|skipped test|deprecation|notice)s?:$/;
const ENTRY = /^(\d+)\) (\S+::\S+.*)$/;
const PHP_FRAME = /^\s*(\S+\.php):(\d+)$/;
const SUMMARY = /^Tests: (\d+), Assertions: \d+(.*?)\.?$/;
const OK = /^OK \((\d+) tests?, \d+ assertions?\)$/;
const DOX_CLASS = /^(\S.*?) \(([\w\\]+)\)$/;
const DOX_FAIL = /^ ✘ (.+)$/;
// First characters of `--`, `FAILURES!`, `ERRORS!`.
const END_FIRST = [0x2d, 0x46, 0x45];
const DOX_BOX = /^ {3}[│┐├┴]( (.*))?$/;
export class PhpunitParser implements LineParser {
  private readonly builder: ReportBuilder;
  private section = '';
  private block: { test: string; lines: string[] } | null = null;
  private doxClass = '';

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('phpunit', maxFailures);
  }

  push(line: string): void {
    const c = line.charCodeAt(0);
    const section = c === 0x54 /* T */ ? SECTION.exec(line) : null;
    if (section) {
      this.close();
      this.section = section[1]!;
      return;
    }
    const summary = c === 0x54 ? SUMMARY.exec(line) : null;
    if (summary) {
      this.close();
      const { failed, skipped } = summaryCounts(summary[2]!);
      this.builder.addSummary({ passed: Number(summary[1]) - failed - skipped, failed, skipped });
      return;
    }
    const ok = c === 0x4f /* O */ ? OK.exec(line) : null;
    if (ok) return this.builder.addSummary({ passed: Number(ok[1]) });
    if (this.section === 'error' || this.section === 'failure') {
      const entry = c >= 0x30 && c <= 0x39 ? ENTRY.exec(line) : null;
      if (entry) {
        this.close();
        this.block = { test: entry[2]!, lines: [] };
        return;
      }
      if ((c === 0x2d || c === 0x46 || c === 0x45) && /^(--|FAILURES!|ERRORS!)$/.test(line))
        return this.close();
    }
    const cls = line.endsWith(')') ? DOX_CLASS.exec(line) : null;
    if (cls && !this.block) this.doxClass = cls[2]!;
    const dox = c === 0x20 && line.charCodeAt(1) === 0x2718 /* ✘ */ ? DOX_FAIL.exec(line) : null;
    if (dox) {
      this.close();
      this.section = 'testdox';
      this.block = { test: this.doxClass ? `${this.doxClass}: ${dox[1]}` : dox[1]!, lines: [] };
      return;
    }
    if (this.section === 'testdox' && this.block) {
      const box = DOX_BOX.exec(line);
      if (box) this.block.lines.push(box[2] ?? '');
      else if (!line.trim()) this.close();
      return;
    }
    if (this.block) this.block.lines = pushCapped(this.block.lines, line);
  }

  /**
   * Every line of the chunk is read here: a line that `push` would only add to the open block goes there
   * directly (not even sliced once full: a full report's block is counted, not read), a line it ignores is
   * skipped, the others go to `push`.
   */
  bulk(text: string, from: number, to: number): number {
    return eachLine(text, from, to, (start, end) => {
      if (this.needsPush(text, start, end)) this.push(text.slice(start, end));
      else if (this.block && !this.builder.full)
        this.block.lines = pushCapped(this.block.lines, text.slice(start, end));
      return true;
    });
  }

  /** False for a line that `push` ignores or only adds to the open block (told by its first and last characters). */
  private needsPush(text: string, start: number, end: number): boolean {
    const c = text.charCodeAt(start);
    if (c === 0x54 /* T */ || c === 0x4f /* O */) return true;
    // A numbered block's entry (`1) …`) or end (`--`, `FAILURES!`, `ERRORS!`).
    if (
      (this.section === 'error' || this.section === 'failure') &&
      ((c >= 0x30 && c <= 0x39) || END_FIRST.includes(c))
    )
      return true;
    if (c === 0x20 && text.charCodeAt(start + 1) === 0x2718 /* ✘ */) return true;
    if (this.block) return this.section === 'testdox';
    // A testdox class line (`Cart (Acme\Tests\Cart)`).
    return text.charCodeAt(end - 1) === 0x29;
  }

  finish(): TestReport {
    this.close();
    return this.builder.report();
  }

  private close(): void {
    const block = this.block;
    this.block = null;
    if (!block) return;
    if (this.builder.full) return this.builder.countOnly();
    this.builder.add({ test: block.test, ...phpError(block.lines, this.section) });
  }
}

const COUNT = /(\w+): (\d+)/g;

/** `Errors: 1, Failures: 3, Skipped: 1` (any case; the last of a word wins): failed and skipped tests. */
function summaryCounts(text: string): { failed: number; skipped: number } {
  let errors = 0;
  let failures = 0;
  let skipped = 0;
  let incomplete = 0;
  COUNT.lastIndex = 0;
  for (let m = COUNT.exec(text); m !== null; m = COUNT.exec(text)) {
    const n = Number(m[2]);
    switch (m[1]!.toLowerCase()) {
      case 'errors':
        errors = n;
        break;
      case 'failures':
        failures = n;
        break;
      case 'skipped':
        skipped = n;
        break;
      case 'incomplete':
        incomplete = n;
        break;
    }
  }
  return { failed: errors + failures, skipped: skipped + incomplete };
}

export function phpError(lines: string[], section: string): ErrorInfo {
  const frames: Frame[] = [];
  const message: string[] = [];
  for (const line of lines) {
    const f = PHP_FRAME.exec(line);
    if (f) frames.push(frame(f[1]!, Number(f[2])));
    else if (!frames.length) message.push(line);
  }
  let text = message.join('\n').trim();
  let kind = section === 'failure' ? 'ExpectationFailedException' : 'Error';
  const thrown = /^([A-Z][\w\\]*(?:Error|Exception)): ([\s\S]*)$/.exec(text);
  if (thrown) {
    kind = thrown[1]!.replace(/^.*\\/, '');
    text = thrown[2]!;
  } else if (/^Failed asserting that /.test(text)) kind = 'ExpectationFailedException';
  const info: ErrorInfo = { kind, message: text, frames };
  const same = /^Failed asserting that (.+?) is (?:identical|equal) to (.+?)\.$/m.exec(text);
  if (same) {
    info.actual = same[1]!;
    info.expected = same[2]!;
    return info;
  }
  const diff = /^--- Expected\n\+\+\+ Actual\n@@ @@\n-(.*)\n\+(.*)$/m.exec(text);
  if (diff) {
    info.expected = diff[1]!;
    info.actual = diff[2]!;
    return info;
  }
  return withExpectedActual(info);
}
