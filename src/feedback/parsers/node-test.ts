/** node:test's spec reporter (the tree, or its `failing tests` recap when present). */
import { MAX_FAILURES, ReportBuilder, type LineParser } from '../builder.js';
import { parseJsError, type ErrorInfo } from '../extract.js';
import { linePattern, nextStop, scan } from '../bulk.js';
import { pushCapped } from '../text.js';
import type { TestReport } from '../types.js';
import { normalizeJsKind } from './js-errors.js';

const ENTRY = /^(\s*)✖ (.+?)(?: \([\d.]+m?s\))?(?: # .*)?$/;
const COUNT = /^ℹ (tests|pass|fail|cancelled|skipped|todo) (\d+)$/;
const AT = /^test at (.+):(\d+):\d+$/;
const CRASH_HEADER = /^(?:[A-Z]\w*)?Error(?: \[\w+\])?: /;
const SUBTESTS = /^'?\d+ subtests? failed'?$/;

const NO_CRASHES: ErrorInfo[] = [];

// Outside an entry and a crash, the lines `push` reads: the recap, counts, `test at`, an entry, a crash header.
const IDLE_STOPS = linePattern('[^\\S\\n]*✖|ℹ|test at |[A-Z]');
// Inside an entry at indent k: group 2 a line of its body (blank, or deeper and no `✖ ` entry), 3 any other.
const BODY = new Map<number, RegExp>();
function bodyLines(indent: number): RegExp {
  let re = BODY.get(indent);
  if (!re) {
    re = linePattern(`([^\\S\\n]*$|[^\\S\\n]{${indent + 1}}(?![^\\S\\n]*✖ .).*)|([^\\n]*)`);
    BODY.set(indent, re);
  }
  return re;
}

interface Entry {
  name: string;
  indent: number;
  at?: { file: string; line: number };
  lines: string[];
}

export class NodeTestSpecParser implements LineParser {
  private readonly builder: ReportBuilder;
  /** Failing entries, parsed only at the end: the recap (`✖ failing tests:`) replaces the tree's entries. */
  private failures: { entry: Entry; crashes: ErrorInfo[] }[] = [];
  private entry: Entry | null = null;
  private at: Entry['at'];
  private crashes: ErrorInfo[] = [];
  private crash: string[] | null = null;
  private counts: Record<string, number> = {};

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('node-test', maxFailures);
  }
  push(line: string): void {
    if (this.crash) {
      if (/^Node\.js v\d/.test(line) || /^[✖✔▶ℹ﹣]/.test(line)) {
        this.crashes.push(parseJsError(this.crash));
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

  bulk(text: string, from: number, to: number): number {
    if (this.crash) return from;
    const entry = this.entry;
    if (!entry) return nextStop(IDLE_STOPS, text, from, to);
    return scan(bodyLines(entry.indent), text, from, to, (m) => {
      if (m[2] === undefined) return false;
      entry.lines = pushCapped(entry.lines, m[0]);
      return true;
    });
  }

  finish(): TestReport {
    if (this.crash) this.crashes.push(parseJsError(this.crash));
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

/** A failure's error; a file-level `test failed` takes the crash printed for that file (e.g. a missing module). */
export function entryInfo(lines: string[], name: string, crashes: ErrorInfo[]): ErrorInfo {
  const info = normalizeJsKind(parseJsError(lines));
  if (info.message === 'test failed' && name.includes('/')) {
    const crash = crashes.find((c) => c.frames.some((f) => f.file === name) || c.message.includes(name));
    if (crash) return normalizeJsKind({ ...crash });
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
