/**
 * Python linters' text output: flake8 (`calc/x.py:1:1: F401 'os' imported but unused`), ruff's concise and full
 * formats (`x.py:1:8: F401 [*] …`, or `F401 [*] …` then ` --> x.py:1:8` with a code frame), and pylint
 * (`calc/x.py:1:0: C0114: Missing module docstring (missing-module-docstring)`). Every finding is a failure;
 * its rule code (pylint: its symbol) is the kind. The report names whichever linter printed it.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { firstChars, NEXT, PRINTABLE, STOP, walkLines } from './line-scan.js';
import { frame } from '../paths.js';
import type { TestReport } from '../types.js';

const PYLINT = /^(\S.*?\.pyi?):(\d+):(\d+): ([CRWEFI]\d{4}): (.*?)(?: \(([\w-]+)\))?$/;
const FLAKE8 = /^(\S.*?\.pyi?):(\d+):(\d+): ([A-Z]+\d+) (\[\*\] )?(.*)$/;
const RUFF_HEAD = /^([A-Z]+\d+|invalid-syntax|SyntaxError)(?::)? (\[\*\] )?(.*)$/;
const FIXABLE = /^\S.*?\.pyi?:\d+:\d+: [A-Z]+\d+ \[\*\] /;
const RUFF_ARROW = /^\s*--> (\S.*?\.pyi?):(\d+):(\d+)$/;
// Bulk counting once full, at the start of each line that starts with a non-blank: a ruff heading or summary is
// read per line; a finding (PYLINT, FIXABLE, FLAKE8 up to where their rest matches any text) is counted, its kind
// told at each `.py` of the line (group 1 PYLINT's code, 2 a flake8 code, 3 ruff's `[*] `).
const HEAD_OR_SUMMARY =
  /(?:[A-Z]+\d+|invalid-syntax|SyntaxError):? |Found \d+ errors?\.|\[\*\] \d+ fixable|All checks passed!$/y;
const FINDING_AT = /\.pyi?:\d+:\d+: (?:([CRWEFI]\d{4}): |([A-Z]+\d+) (\[\*\] )?)/y;
const WIDE_BLANK = /\s/;
const NON_BLANK = firstChars(PRINTABLE, true);

export class PythonLintParser implements LineParser {
  private readonly builder: ReportBuilder;
  private flavour: 'flake8' | 'ruff' | 'pylint' | null = null;
  private head: { code: string; message: string } | null = null;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('flake8', maxFailures);
  }

  push(line: string): void {
    // Once the report is full, a one-line finding is only counted (a test, no match array).
    if (this.builder.full && !this.head && line.includes('.py')) {
      if (PYLINT.test(line)) this.flavour ??= 'pylint';
      else if (FLAKE8.test(line)) {
        if (FIXABLE.test(line)) this.flavour = 'ruff';
        this.flavour ??= 'flake8';
      } else return this.parseLine(line);
      return this.builder.countOnly();
    }
    return this.parseLine(line);
  }

  private parseLine(line: string): void {
    const pylint = line.includes('.py') ? PYLINT.exec(line) : null;
    if (pylint) {
      this.flavour ??= 'pylint';
      const [, file, ln, col, id, message, symbol] = pylint;
      return this.add(file!, Number(ln), col!, symbol ?? id!, message!);
    }
    const f = pylint === null && line.includes('.py') ? FLAKE8.exec(line) : null;
    if (f) {
      if (f[5]) this.flavour = 'ruff';
      this.flavour ??= 'flake8';
      const [, file, ln, col, code, , message] = f;
      return this.add(file!, Number(ln), col!, code!, message!);
    }
    const arrow = this.head ? RUFF_ARROW.exec(line) : null;
    if (arrow) {
      this.flavour = 'ruff';
      const { code, message } = this.head!;
      this.head = null;
      return this.add(arrow[1]!, Number(arrow[2]), arrow[3]!, code, message);
    }
    const head = RUFF_HEAD.exec(line);
    if (head) this.head = { code: head[1]!, message: head[3]! };
    if (/^Found \d+ errors?\.|^\[\*\] \d+ fixable|^All checks passed!$/.test(line)) this.flavour = 'ruff';
  }

  bulk(text: string, from: number, to: number): number {
    if (!this.builder.full || this.head) return from;
    return walkLines(text, from, to, NON_BLANK, (start, end, c) => {
      if (c > 0x7f && WIDE_BLANK.test(text[start]!)) return NEXT;
      HEAD_OR_SUMMARY.lastIndex = start;
      if (HEAD_OR_SUMMARY.test(text)) return STOP;
      // As PYLINT, then FIXABLE, then FLAKE8 over the whole line: the best kind found at any `.py`.
      let best = 0;
      for (
        let k = text.indexOf('.py', start + 1);
        k !== -1 && k < end && best < 3;
        k = text.indexOf('.py', k + 1)
      ) {
        FINDING_AT.lastIndex = k;
        const m = FINDING_AT.exec(text);
        if (m !== null) best = Math.max(best, m[1] !== undefined ? 3 : m[3] !== undefined ? 2 : 1);
      }
      if (best === 0) return NEXT;
      if (best === 3) this.flavour ??= 'pylint';
      else {
        if (best === 2) this.flavour = 'ruff';
        this.flavour ??= 'flake8';
      }
      this.builder.countOnly();
      return NEXT;
    });
  }

  finish(): TestReport {
    const report = this.builder.report();
    report.runner = this.flavour ?? 'flake8';
    return report;
  }

  private add(file: string, line: number, col: string, kind: string, message: string): void {
    if (this.builder.full) return this.builder.countOnly();
    this.builder.add({ test: `${file}:${line}:${col}`, kind, message, frames: [frame(file, line)] });
  }
}
