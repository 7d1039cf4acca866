/** pytest: long/auto/short/line/native/`-q` styles, `-l` locals, setup and collection errors, xfail/xpass. */
import { MAX_FAILURES, ReportBuilder, type LineParser } from '../builder.js';
import { parsePythonTraceback, pythonException, withExpectedActual, type ErrorInfo } from '../extract.js';
import { frame } from '../paths.js';
import { dedent, pushCapped } from '../text.js';
import { DIGITS, firstChars, LAST, NEXT, walkLines } from './line-scan.js';
import type { Failure, Frame, Locals, TestReport } from '../types.js';

const SECTION = /^=+ (.+?) =+$/;
const BLOCK = /^_{3,} (.+?) _{3,}$/;
// A parametrized id may hold spaces (`test_cents[2 50-250]`): the bracket runs to the first `]` before ` - ` or the end.
const SUMMARY = /^(FAILED|ERROR|XPASS|XFAIL|PASSED|SKIPPED) (\S+?(?:\[.*?\])?)(?: - (.*))?$/;
const COUNTS = /^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s\b.*?=*$/;
const SHORT_FRAME = /^(\S.*?):(\d+): in (.+)$/;
const LONG_LOCATION = /^(\S.*?\.py|<[^>]+>):(\d+): ?(.*)$/;
const LINE_ENTRY = /^(\S.*?\.py):(\d+): (.+)$/;
const LOCAL = /^([A-Za-z_]\w*)\s*= (.*)$/;
const CAPTURED = /^-+ Captured (?:stdout|stderr|log) (?:setup|call|teardown) -+$/;
const SHORT_LOCAL = /^ {8}[A-Za-z_]\w* +=/;
const PY_FILE = /^\s*File "(.+)", line (\d+)/;
const MAX_BLOCK_LINES = 400;
// What a full report still reads (`bulk`): section rules, possible counts lines (`=*\s*\d`), block headers,
// summary entries; any other line is a no-op once full.
const FULL_FIRST = firstChars('=_ \tFEXPS' + DIGITS, true);
const SPACE = /\s/;
// Once full, a block's details are not kept and summary entries are only counted: shared placeholders.
const FULL_BLOCK = { name: '', lines: [] as string[] };
const COUNTED: Pending = { section: 'failures', failure: { test: '', kind: '', message: '', frames: [] } };
const COUNTED_ENTRIES: Record<string, SummaryEntry> = {};

interface Pending {
  name?: string;
  section: 'failures' | 'errors';
  failure: Failure;
}

interface SummaryEntry {
  status: string;
  nodeid: string;
  message: string;
}

/** Parses one failure block of pytest (any traceback style) into kind, message, frames and locals. */
export function parsePytestBlock(lines: string[]): ErrorInfo & { locals?: Locals } {
  if (
    lines.some((l) => /^\s*Traceback \(most recent call last\):/.test(l)) &&
    !lines.some((l) => /^E\s/.test(l))
  ) {
    const native = parsePythonTraceback(lines);
    if (native) return native;
  }
  const xpass = lines.map((l) => /^\[(XPASS\(strict\))\] ?(.*)$/.exec(l)).find(Boolean);
  if (xpass) return { kind: xpass[1]!, message: xpass[2]!, frames: [] };
  const frames: Frame[] = [];
  const eLines: string[] = [];
  let lastKind = '';
  let locals: Locals = {};
  let shortStyle = false;
  for (const line of lines) {
    if (CAPTURED.test(line)) break; // the test's own output follows: nothing of the traceback after it
    if (/^E(\s|$)/.test(line)) {
      eLines.push(line.slice(1));
      continue;
    }
    if (/^_ _ _/.test(line)) {
      locals = {};
      continue;
    }
    const short = SHORT_FRAME.exec(line);
    if (short) {
      shortStyle = true;
      frames.push(frame(short[1]!, Number(short[2]), short[3]));
      locals = {};
      continue;
    }
    const loc = LONG_LOCATION.exec(line);
    if (loc) {
      frames.push(frame(loc[1]!, Number(loc[2])));
      if (loc[3]) lastKind = loc[3].trim();
      continue;
    }
    // Locals (`-l`) are at column 0 in long style, indented 8 under their frame in short style.
    const local =
      LOCAL.exec(line) ?? (shortStyle && SHORT_LOCAL.test(line) ? LOCAL.exec(line.slice(8)) : null);
    if (local) addLocals(locals, local[1]!, local[2]!);
  }
  frames.reverse();
  const e = dedent(eLines);
  let info: ErrorInfo;
  const k = e.findIndex((l) => /^[A-Za-z_][\w.]*(:|$)/.test(l) && pythonException(l).kind !== 'Error');
  if (k >= 0) {
    for (const l of e.slice(0, k)) {
      const m = PY_FILE.exec(l);
      if (m) frames.unshift(frame(m[1]!, Number(m[2])));
    }
    info = { ...pythonException(e[k]!, e.slice(k + 1)), frames };
  } else {
    const kind = lastKind || (e[0]?.startsWith('assert ') ? 'AssertionError' : 'Error');
    info = { kind, message: e.join('\n'), frames };
  }
  const out: ErrorInfo & { locals?: Locals } = withExpectedActual(info);
  if (Object.keys(locals).length) out.locals = locals;
  return out;
}

export class PytestParser implements LineParser {
  private readonly builder: ReportBuilder;
  private section = '';
  private block: { name: string; lines: string[] } | null = null;
  private pending: Pending[] = [];
  private summary: SummaryEntry[] = [];

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
    const counts = /^=*\s*\d/.test(line) && line.includes(' in ') ? COUNTS.exec(line) : null;
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
   * Once full, one walk over the chunk: the lines that can still change the state (FULL_FIRST) go to `push`, the
   * others are skipped; per-line reading resumes where a `--tb=line` entry may follow (under FAILURES/ERRORS
   * outside a block).
   */
  bulk(text: string, from: number, to: number): number {
    if (!this.builder.full || this.lineEntries()) return from;
    return walkLines(text, from, to, FULL_FIRST, (start, end, c) => {
      if (!this.wantedWhenFull(text, start, end, c)) return NEXT;
      this.push(text.slice(start, end));
      return this.lineEntries() ? LAST : NEXT;
    });
  }

  /** Under FAILURES/ERRORS outside a block, any line may be a `--tb=line` entry. */
  private lineEntries(): boolean {
    return !this.block && (this.section === 'failures' || this.section === 'errors');
  }

  /** False for a line that `push` ignores in the current state of a full report (told by its first characters). */
  private wantedWhenFull(text: string, start: number, end: number, c: number): boolean {
    if (c === 0x3d /* = */ || (c >= 0x30 && c <= 0x39)) return true;
    if (c === 0x5f /* _ */) return this.section === 'failures' || this.section === 'errors';
    if (c === 0x20 || c === 0x09 || (c > 0x7f && SPACE.test(text[start]!))) {
      // Indented: only a counts line (`\s*\d`) is read.
      let i = start + 1;
      let d = text.charCodeAt(i);
      while (i < end && (d === 0x20 || d === 0x09 || (d > 0x7f && SPACE.test(text[i]!))))
        d = text.charCodeAt(++i);
      return d >= 0x30 && d <= 0x39;
    }
    return c <= 0x7f && this.section === 'summary';
  }

  finish(): TestReport {
    this.closeBlock();
    this.flush();
    return this.builder.report();
  }

  private summaryLine(line: string): void {
    const m = SUMMARY.exec(line);
    if (m && this.builder.full) {
      this.summary.push(countedEntry(m[1]!));
    } else if (m) {
      this.summary.push({ status: m[1]!, nodeid: m[2]!, message: m[3] ?? '' });
    } else if (/^\s/.test(line) && this.summary.length) {
      if (!this.builder.full) this.summary[this.summary.length - 1]!.message += `\n${line}`;
    } else {
      const counts = COUNTS.exec(line);
      if (counts) this.endSession(counts[1]!);
    }
  }

  private closeBlock(): void {
    if (!this.block) return;
    const { name, lines } = this.block;
    this.block = null;
    // Past the report's capacity a block is only counted (`flush`): no details, no name.
    if (this.builder.full) {
      this.pending.push(COUNTED);
      return;
    }
    const header = /^ERROR (?:at (?:setup|teardown) of|collecting) (.+)$/.exec(name);
    const info =
      this.pending.length >= MAX_FAILURES ? { kind: '', message: '', frames: [] } : parsePytestBlock(lines);
    const failure: Failure = { test: header ? header[1]! : name, ...info };
    if (/^ERROR collecting /.test(name) && !failure.frames.some((f) => f.inProject))
      failure.file = header![1];
    this.pending.push({
      name: failure.test,
      section: this.section === 'errors' ? 'errors' : 'failures',
      failure,
    });
  }

  private endSession(counts: string): void {
    this.closeBlock();
    const c: Record<string, number> = {};
    for (const m of counts.matchAll(/(\d+) ([a-z]+)/g)) c[m[2]!.replace(/s$/, '')] = Number(m[1]);
    this.builder.addSummary({
      passed: (c.passed ?? 0) + (c.xpassed ?? 0),
      failed: (c.failed ?? 0) + (c.error ?? 0),
      skipped: (c.skipped ?? 0) + (c.xfailed ?? 0),
    });
    this.flush();
    this.section = '';
  }

  /** Names each failure block by its node id from the short summary, and adds summary-only failures. */
  private flush(): void {
    if (this.builder.full) {
      // Past the report's capacity failures are only counted (no node-id matching, no message parsing): a block
      // and its summary entry are one failure; the session's `N failed` line, when printed, wins anyway.
      const entries = this.summary.filter((s) => s.status === 'FAILED' || s.status === 'ERROR').length;
      for (let i = Math.max(entries, this.pending.length); i > 0; i--) this.builder.countOnly();
      this.pending = [];
      this.summary = [];
      return;
    }
    const entries = this.summary.filter((s) => s.status === 'FAILED' || s.status === 'ERROR');
    const used = new Set<SummaryEntry>();
    const take = (pred: (s: SummaryEntry) => boolean) => {
      const hit = entries.find((s) => !used.has(s) && pred(s));
      if (hit) used.add(hit);
      return hit;
    };
    for (const p of this.pending) {
      const want = p.section === 'errors' ? 'ERROR' : 'FAILED';
      const hit = p.name
        ? (take((s) => s.status === want && matches(s.nodeid, p.name!)) ??
          take((s) => matches(s.nodeid, p.name!)))
        : take((s) => s.status === 'FAILED');
      if (hit) p.failure.test = hit.nodeid;
      if (!p.failure.file) p.failure.file = nodeFile(p.failure.test);
      this.builder.add(p.failure);
    }
    for (const s of entries) {
      if (used.has(s)) continue;
      const { kind, message } = lineKind(dedent(s.message.split('\n')).join('\n'));
      this.builder.add({
        test: s.nodeid,
        file: nodeFile(s.nodeid),
        ...withExpectedActual({ kind, message, frames: [] }),
      });
    }
    this.pending = [];
    this.summary = [];
  }
}

/** The placeholder of a summary entry of a full report (its status alone is read). */
function countedEntry(status: string): SummaryEntry {
  return (COUNTED_ENTRIES[status] ??= { status, nodeid: '', message: '' });
}

/** Long style prints a test's arguments on one line (`text = '2 50', cents = 250`); `-l` prints one per line. */
function addLocals(locals: Locals, name: string, value: string): void {
  const parts = value.split(/, (?=[A-Za-z_]\w* = )/);
  locals[name] = parts[0]!;
  for (const part of parts.slice(1)) {
    const eq = part.indexOf(' = ');
    locals[part.slice(0, eq)] = part.slice(eq + 3);
  }
}

function matches(nodeid: string, name: string): boolean {
  return nodeid === name || nodeid.endsWith(`::${name.replace(/\./g, '::')}`) || nodeid.endsWith(`::${name}`);
}

function nodeFile(nodeid: string): string | undefined {
  const file = nodeid.split('::')[0]!;
  return /\.py$/.test(file) ? file : undefined;
}

/** Kind and message of a one-line failure text (`KeyError: 'age'`, `assert 2 == 2.5`, `Failed: …`). */
function lineKind(text: string): { kind: string; message: string } {
  const [first = '', ...rest] = text.split('\n');
  if (/^assert /.test(first)) return { kind: 'AssertionError', message: text };
  const exc = pythonException(first, rest);
  return exc.kind === 'Error' ? { kind: 'Error', message: text } : exc;
}
