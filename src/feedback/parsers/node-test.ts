/** node:test's spec reporter (the tree, or its `failing tests` recap when present). */
import { MAX_FAILURES, ReportBuilder, type LineParser } from '../builder.js';
import { parseJsError, type ErrorInfo } from '../extract.js';
import { MAX_LINE, pushCapped } from '../text.js';
import type { TestReport } from '../types.js';
import { normalizeJsKind } from './js-errors.js';
import { indentEnd, otherSpace } from './line-loop.js';
import { isChainStop } from '../bulk.js';

const ENTRY = /^(\s*)✖ (.+?)(?: \([\d.]+m?s\))?(?: # .*)?$/;
const COUNT = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/;
const AT = /^test at (.+):(\d+):\d+$/;
const CRASH_HEADER = /^(?:[A-Z]\w*)?Error(?: \[\w+\])?: /;
const SUBTESTS = /^'?\d+ subtests? failed'?$/;

const NO_CRASHES: Crash[] = [];

interface Entry {
  name: string;
  indent: number;
  at?: { file: string; line: number };
  lines: string[];
}

export class NodeTestSpecParser implements LineParser {
  private readonly builder: ReportBuilder;
  /** Failing entries, parsed only at the end: the recap (`✖ failing tests:`) replaces the tree's entries. */
  private failures: { entry: Entry; crashes: Crash[] }[] = [];
  private entry: Entry | null = null;
  private at: Entry['at'];
  private crashes: Crash[] = [];
  private crash: string[] | null = null;
  private counts: Record<string, number> = {};

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('node-test', maxFailures);
  }
  push(line: string): void {
    if (this.crash) {
      if (/^Node\.js v\d/.test(line) || /^[✖✔▶ℹ﹣]/.test(line)) {
        this.crashes.push(new Crash(this.crash));
        if (this.crashes.length > 50) this.crashes.shift(); // only recent crashes can match a later failure
        this.crash = null;
      } else {
        this.crash = pushCapped(this.crash, line);
        return;
      }
    }
    if (/^✖ failing tests:/.test(line)) {
      this.close();
      this.failures = [];
      return;
    }
    const count = COUNT.exec(line);
    if (count) {
      this.close();
      this.counts[count[1]!] = (this.counts[count[1]!] ?? 0) + Number(count[2]);
      return;
    }
    const at = AT.exec(line);
    if (at) {
      this.close();
      this.at = { file: at[1]!, line: Number(at[2]) };
      return;
    }
    const entry = ENTRY.exec(line);
    if (entry) {
      this.close();
      this.entry = { name: entry[2]!, indent: entry[1]!.length, at: this.at, lines: [] };
      this.at = undefined;
      return;
    }
    if (this.entry) {
      const indent = line.length - line.trimStart().length;
      if (!line.trim() || indent > this.entry.indent) {
        this.entry.lines = pushCapped(this.entry.lines, line);
        return;
      }
      this.close();
    }
    if (CRASH_HEADER.test(line)) this.crash = [line];
  }

  /**
   * Every line, as `push` reads it: a line that may end a crash, or be the recap, a count, `test at`, an entry or
   * a crash header (first characters) is pushed; a crash's or an entry's line is sliced into it; any other line
   * only closes the entry it is not under.
   */
  bulk(text: string, from: number, to: number): number {
    for (let start = from; start < to;) {
      const end = text.indexOf('\n', start);
      if (end < 0 || end >= to || end - start > MAX_LINE || isChainStop(text, start)) return start;
      this.take(text, start, end);
      start = end + 1;
    }
    return to;
  }

  /** One line of `bulk`, [start, end). */
  private take(text: string, start: number, end: number): void {
    const c0 = text.charCodeAt(start);
    if (this.crash) {
      if (
        c0 === 0x4e /* N */ ||
        c0 === 0x2716 ||
        c0 === 0x2714 ||
        c0 === 0x25b6 ||
        c0 === 0x2139 ||
        c0 === 0xfe63
      )
        this.push(text.slice(start, end));
      else this.crash = pushCapped(this.crash, text.slice(start, end));
      return;
    }
    const i = indentEnd(text, start, end);
    const c = text.charCodeAt(i);
    if (
      (i < end && (c === 0x2716 /* ✖ */ || otherSpace(text, i))) ||
      c0 === 0x2139 /* ℹ */ ||
      c0 === 0x74 /* t */ ||
      (c0 >= 0x41 && c0 <= 0x5a)
    ) {
      this.push(text.slice(start, end));
      return;
    }
    const entry = this.entry;
    if (entry === null) return;
    if (i === end || i - start > entry.indent) entry.lines = pushCapped(entry.lines, text.slice(start, end));
    else this.close();
  }

  finish(): TestReport {
    if (this.crash) this.crashes.push(new Crash(this.crash));
    this.crash = null;
    this.close();
    for (const { entry, crashes } of this.failures) {
      const info = entryInfo(entry.lines.map(unquote), entry.name, crashes);
      if (SUBTESTS.test(info.message)) continue;
      this.builder.add({ test: entry.name, file: entry.at?.file, line: entry.at?.line, ...info });
    }
    addNodeTestSummary(this.builder, this.counts);
    return this.builder.report();
  }

  private close(): void {
    const entry = this.entry;
    if (!entry) return;
    this.entry = null;
    if (entry.lines.some((l) => /^\s*[✖✔﹣] /.test(l))) return; // a suite: its tests are listed themselves
    if (this.failures.length >= MAX_FAILURES) return;
    // The crashes printed so far are the ones this entry may take (a later crash belongs to a later file).
    this.failures.push({ entry, crashes: this.crashes.length ? this.crashes.slice() : NO_CRASHES });
  }
}

/** A crash's printed lines, parsed only when a file's `test failed` looks for its crash (most never are). */
export class Crash {
  private info?: ErrorInfo;
  constructor(private readonly lines: string[]) {}
  get error(): ErrorInfo {
    return (this.info ??= parseJsError(this.lines));
  }
}

/** A failure's error; a file-level `test failed` takes the crash printed for that file (e.g. a missing module). */
export function entryInfo(lines: string[], name: string, crashes: Crash[]): ErrorInfo {
  const info = normalizeJsKind(parseJsError(lines));
  if (info.message === 'test failed' && name.includes('/')) {
    const crash = crashes.find((c) => {
      const e = c.error;
      return e.frames.some((f) => f.file === name) || e.message.includes(name);
    });
    if (crash) return normalizeJsKind({ ...crash.error });
  }
  return info;
}

function unquote(line: string): string {
  const m = /^(\s*)'(.*)'$/.exec(line);
  return m ? m[1]! + m[2]!.replace(/\\'/g, "'") : line;
}

/** node:test's closing counts (`ℹ pass 1` / `# pass 1`): cancelled tests (timeouts) count as failed, todo as skipped. */
export function addNodeTestSummary(builder: ReportBuilder, c: Record<string, number>): void {
  if (c.tests === undefined) return;
  builder.addSummary({
    passed: c.pass ?? 0,
    failed: (c.fail ?? 0) + (c.cancelled ?? 0),
    skipped: (c.skipped ?? 0) + (c.todo ?? 0),
  });
}
