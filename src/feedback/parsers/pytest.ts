/** pytest: long/auto/short/line/native/`-q` styles, `-l` locals, setup and collection errors, xfail/xpass. */
import { MAX_FAILURES, ReportBuilder, type LineParser } from '../builder.js';
import { withExpectedActual } from '../extract.js';
import { frame } from '../paths.js';
import { pushCapped } from '../text.js';
import type { Failure, TestReport } from '../types.js';
import { eachLine } from './line-loop.js';
import { DIGITS, firstChars, LAST, NEXT, walkLines } from './line-scan.js';
import { isSpaceAt, parsePytestBlock } from './py-block.js';
import { lineKind, matchSummary, sessionCounts, type Pending, type SummaryEntry } from './py-session.js';

export { parsePytestBlock };

const SECTION = /^=+ (.+?) =+$/;
const BLOCK = /^_{3,} (.+?) _{3,}$/;
// A parametrized id may hold spaces (`test_cents[2 50-250]`): the bracket runs to the first `]` before ` - ` or the end.
const SUMMARY = /^(FAILED|ERROR|XPASS|XFAIL|PASSED|SKIPPED) (\S+?(?:\[.*?\])?)(?: - (.*))?$/;
// SUMMARY without its groups: once full an entry is only counted.
const SUMMARY_ENTRY = /^(?:FAILED|ERROR|XPASS|XFAIL|PASSED|SKIPPED) \S+?(?:\[.*?\])?(?: - .*)?$/;
const COUNTS = /^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s\b.*?=*$/;
const LINE_ENTRY = /^(\S.*?\.py):(\d+): (.+)$/;
const ERROR_HEADER = /^ERROR (?:at (?:setup|teardown) of|collecting) (.+)$/;
const MAX_BLOCK_LINES = 400;
// What a full report still reads (`bulk`): section rules, possible counts lines (`=*\s*\d`), block headers,
// summary entries; any other line is a no-op once full.
const FULL_FIRST = firstChars('=_ \tFEXPS' + DIGITS, true);
const SPACE = /\s/;
// Once full, a block's details are not kept: a shared placeholder.
const FULL_BLOCK = { name: '', lines: [] as string[] };

export class PytestParser implements LineParser {
  private readonly builder: ReportBuilder;
  private section = '';
  private block: { name: string; lines: string[] } | null = null;
  private pending: Pending[] = [];
  private summary: SummaryEntry[] = [];
  // Once full, blocks and summary entries are only counted (`flush`).
  private countedBlocks = 0;
  private countedEntries = 0;
  private countedFailures = 0;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('pytest', maxFailures);
  }
  push(line: string): void {
    const first = line.charCodeAt(0);
    const section = first === 0x3d /* = */ ? SECTION.exec(line) : null;
    if (section) {
      this.closeBlock();
      const title = section[1]!;
      const counts = COUNTS.exec(title) ?? COUNTS.exec(line);
      if (counts) return this.endSession(counts[1]!);
      this.section = title.startsWith('FAILURES')
        ? 'failures'
        : title.startsWith('ERRORS')
          ? 'errors'
          : title.startsWith('short test summary')
            ? 'summary'
            : 'other';
      return;
    }
    if (this.section === 'summary') return this.summaryLine(line);
    const counts = mayBeCounts(line, 0, line.length) ? COUNTS.exec(line) : null;
    if (counts) return this.endSession(counts[1]!);
    if (this.section !== 'failures' && this.section !== 'errors') return;
    const block = first === 0x5f /* _ */ ? BLOCK.exec(line) : null;
    if (block) {
      this.closeBlock();
      this.block = this.builder.full ? FULL_BLOCK : { name: block[1]!, lines: [] };
      return;
    }
    if (this.block) {
      if (this.block !== FULL_BLOCK) this.block.lines = pushCapped(this.block.lines, line, MAX_BLOCK_LINES);
      return;
    }
    // --tb=line: one `path:line: message` per failure, no block header.
    const entry = LINE_ENTRY.exec(line);
    if (entry) {
      const { kind, message } = lineKind(entry[3]!);
      const info = withExpectedActual({ kind, message, frames: [frame(entry[1]!, Number(entry[2]))] });
      this.pending.push({ section: this.section, failure: { test: '', ...info } });
    } else if (/^\[XPASS\(strict\)\]/.test(line)) {
      this.pending.push({ section: this.section, failure: { test: '', ...parsePytestBlock([line]) } });
    }
  }

  /**
   * Every line of the chunk is read here. Until full, a line that `push` ignores in the current state (told by
   * its first characters) is not sliced, and a block's body line is kept directly. Once full, one walk over the
   * chunk: the lines that can still change the state (FULL_FIRST) go to `push`, the others are skipped;
   * per-line reading resumes where a `--tb=line` entry may follow (under FAILURES/ERRORS outside a block).
   */
  bulk(text: string, from: number, to: number): number {
    if (!this.builder.full) return eachLine(text, from, to, (start, end) => this.take(text, start, end));
    if (this.lineEntries()) return from;
    return walkLines(text, from, to, FULL_FIRST, (start, end, c) => {
      if (!this.wantedWhenFull(text, start, end, c)) return NEXT;
      this.push(text.slice(start, end));
      return this.lineEntries() ? LAST : NEXT;
    });
  }

  /** `push` of the line [start, end) of `text` while the report is not full; false once it is (bulk stops). */
  private take(text: string, start: number, end: number): boolean {
    if (this.builder.full) return false;
    const c = text.charCodeAt(start);
    const failures = this.section === 'failures' || this.section === 'errors';
    // A line that is no section rule, summary entry, counts line or block header (first character and indent).
    if (c !== 0x3d && c !== 0x5f && this.section !== 'summary' && !mayBeCounts(text, start, end)) {
      if (!failures) return true;
      if (this.block) {
        if (this.block !== FULL_BLOCK)
          this.block.lines = pushCapped(this.block.lines, text.slice(start, end), MAX_BLOCK_LINES);
        return true;
      }
    }
    this.push(text.slice(start, end));
    return true;
  }

  /** Under FAILURES/ERRORS outside a block, any line may be a `--tb=line` entry. */
  private lineEntries(): boolean {
    return !this.block && (this.section === 'failures' || this.section === 'errors');
  }

  /** False for a line that `push` ignores in the current state of a full report (told by its first characters). */
  private wantedWhenFull(text: string, start: number, end: number, c: number): boolean {
    if (c === 0x3d /* = */ || (c >= 0x30 && c <= 0x39)) return true;
    // A block header starts `___`; a `_ _ _` separator is nothing once full.
    if (c === 0x5f /* _ */)
      return (this.section === 'failures' || this.section === 'errors') && text.startsWith('___', start);
    if (c === 0x20 || c === 0x09 || (c > 0x7f && SPACE.test(text[start]!)))
      return mayBeCounts(text, start, end);
    return c <= 0x7f && this.section === 'summary';
  }

  finish(): TestReport {
    this.closeBlock();
    this.flush();
    return this.builder.report();
  }

  private summaryLine(line: string): void {
    if (this.builder.full) {
      if (SUMMARY_ENTRY.test(line)) {
        this.countedEntries++;
        if (line.startsWith('FAILED ') || line.startsWith('ERROR ')) this.countedFailures++;
        return;
      }
      if (isSpaceAt(line, 0) && (this.summary.length || this.countedEntries)) return;
    } else {
      const m = SUMMARY.exec(line);
      if (m) {
        this.summary.push({ status: m[1]!, nodeid: m[2]!, message: m[3] ?? '' });
        return;
      }
      if (isSpaceAt(line, 0) && (this.summary.length || this.countedEntries)) {
        if (this.summary.length) this.summary[this.summary.length - 1]!.message += `\n${line}`;
        return;
      }
    }
    const counts = COUNTS.exec(line);
    if (counts) this.endSession(counts[1]!);
  }

  private closeBlock(): void {
    if (!this.block) return;
    const { name, lines } = this.block;
    this.block = null;
    // Past the report's capacity a block is only counted (`flush`): no details, no name.
    if (this.builder.full) {
      this.countedBlocks++;
      return;
    }
    const header = name.startsWith('ERROR ') ? ERROR_HEADER.exec(name) : null;
    const failure = (
      this.pending.length >= MAX_FAILURES ? { kind: '', message: '', frames: [] } : parsePytestBlock(lines)
    ) as Failure;
    failure.test = header ? header[1]! : name;
    if (header && name.startsWith('ERROR collecting ') && !failure.frames.some((f) => f.inProject))
      failure.file = header[1];
    this.pending.push({
      name: failure.test,
      section: this.section === 'errors' ? 'errors' : 'failures',
      failure,
    });
  }

  private endSession(counts: string): void {
    this.closeBlock();
    this.builder.addSummary(sessionCounts(counts));
    this.flush();
    this.section = '';
  }

  /** Names each failure block by its node id from the short summary, and adds summary-only failures. */
  private flush(): void {
    if (this.builder.full) {
      // Past the report's capacity failures are only counted (no node-id matching, no message parsing): a block
      // and its summary entry are one failure; the session's `N failed` line, when printed, wins anyway.
      const entries = this.summary.filter((s) => s.status === 'FAILED' || s.status === 'ERROR').length;
      const failures = Math.max(entries + this.countedFailures, this.pending.length + this.countedBlocks);
      for (let i = failures; i > 0; i--) this.builder.countOnly();
    } else {
      matchSummary(this.pending, this.summary, (failure) => this.builder.add(failure));
    }
    this.pending = [];
    this.summary = [];
    this.countedBlocks = 0;
    this.countedEntries = 0;
    this.countedFailures = 0;
  }
}

/** `/^=*\s*\d/.test(line) && line.includes(' in ')` for the line [start, end) of `text`: a possible counts line. */
function mayBeCounts(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && text.charCodeAt(i) === 0x3d) i++;
  let c = text.charCodeAt(i);
  while (i < end && (c === 0x20 || c === 0x09 || ((c < 0x20 || c > 0x7f) && SPACE.test(text[i]!))))
    c = text.charCodeAt(++i);
  if (i >= end || c < 0x30 || c > 0x39) return false;
  const at = text.indexOf(' in ', i);
  return at >= 0 && at + 4 <= end;
}
