/**
 * PHPUnit (9–11) default and `--testdox` output: numbered blocks under `There were N failures:` (message, then
 * `/path/File.php:29` frames innermost first), testdox's `✘ name` with its `│` box, and the
 * `Tests: 6, Assertions: 4, Errors: 1, Failures: 3, Skipped: 1.` / `OK (6 tests, 4 assertions)` summary.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { withExpectedActual, type ErrorInfo } from '../extract.js';
import { frame } from '../paths.js';
import { DIGITS, firstChars, NEXT, STOP, walkLines } from './line-scan.js';
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
const DOX_BOX = /^ {3}[│┐├┴]( (.*))?$/;
// Inside a numbered block once full (it is counted, not read): a section, summary, entry, block end or testdox ✘.
// By first character; a line starting with a space stops only when `✘` follows.
const FULL_BLOCK_STOPS = firstChars('TO-FE ' + DIGITS);

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
      const counts: Record<string, number> = {};
      for (const m of summary[2]!.matchAll(/(\w+): (\d+)/g)) counts[m[1]!.toLowerCase()] = Number(m[2]);
      const failed = (counts.errors ?? 0) + (counts.failures ?? 0);
      const skipped = (counts.skipped ?? 0) + (counts.incomplete ?? 0);
      this.builder.addSummary({ passed: Number(summary[1]) - failed - skipped, failed, skipped });
      return;
    }
    const ok = c === 0x4f /* O */ ? OK.exec(line) : null;
    if (ok) return this.builder.addSummary({ passed: Number(ok[1]) });
    if (this.section === 'error' || this.section === 'failure') {
      const entry = ENTRY.exec(line);
      if (entry) {
        this.close();
        this.block = { test: entry[2]!, lines: [] };
        return;
      }
      if (/^(--|FAILURES!|ERRORS!)$/.test(line)) return this.close();
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

  bulk(text: string, from: number, to: number): number {
    const numbered = this.section === 'error' || this.section === 'failure';
    if (!(this.builder.full && this.block && numbered)) return from;
    return walkLines(text, from, to, FULL_BLOCK_STOPS, (start, _end, c) =>
      c !== 0x20 || text.charCodeAt(start + 1) === 0x2718 ? STOP : NEXT,
    );
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
