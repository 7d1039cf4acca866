/** ESLint's stylish (default) and unix formatters: every problem is a failure, its rule is the kind. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { linePattern, scan } from '../bulk.js';
import { frame } from '../paths.js';
import type { TestReport } from '../types.js';

const STYLISH = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const UNIX = /^(.+?):(\d+):(\d+): (.*) \[(Error|Warning)(?:\/(.+))?\]$/;
// Bulk counting once full, whole lines: group 2 a STYLISH problem, 3 any other indented line (a no-op unless it
// ends with `]`: then UNIX decides, per line); lines at column 0 (a file name, a unix problem) are read per line.
const BULK = linePattern('(\\S)|([^\\S\\n]+\\d+:\\d+[^\\S\\n]+(?:error|warning)[^\\S\\n]+.*)|([^\\S\\n].*)');

export class EslintParser implements LineParser {
  private readonly builder: ReportBuilder;
  private file = '';

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('eslint', maxFailures);
  }
  push(line: string): void {
    if (this.builder.full) return this.count(line);
    const unix = line.endsWith(']') ? UNIX.exec(line) : null;
    if (unix) {
      const [, file, ln, col, message, , rule] = unix;
      return this.add(file!, Number(ln), col!, message!, rule);
    }
    const s = STYLISH.exec(line);
    if (s && this.file) {
      const [, ln, col, , rest] = s;
      const split = /^(.*?)\s{2,}(\S+)$/.exec(rest!);
      return this.add(this.file, Number(ln), col!, split ? split[1]! : rest!.trim(), split?.[2]);
    }
    if (/^\S/.test(line) && !/^[✖✔]|^\d+ problems?/.test(line)) this.file = line.trim();
  }

  /** Once the report is full a problem is only counted: tests, no match arrays. */
  private count(line: string): void {
    if (line.endsWith(']') ? UNIX.test(line) : this.file && STYLISH.test(line)) this.builder.countOnly();
    else if (/^\S/.test(line) && !/^[✖✔]|^\d+ problems?/.test(line)) this.file = line.trim();
  }

  bulk(text: string, from: number, to: number): number {
    if (!this.builder.full) return from;
    return scan(BULK, text, from, to, (m) => {
      if (m[2] !== undefined || text.charCodeAt(m.index + m[0].length - 1) === 0x5d /* ] */) return false;
      if (m[3] !== undefined) {
        if (!this.file) return false;
        this.builder.countOnly();
      }
      return true;
    });
  }

  finish(): TestReport {
    return this.builder.report();
  }

  private add(file: string, line: number, col: string, message: string, rule?: string): void {
    if (this.builder.full) return this.builder.countOnly();
    this.builder.add({
      test: `${file}:${line}:${col}`,
      kind: rule ?? (/^Parsing error/.test(message) ? 'parsing-error' : 'eslint'),
      message,
      frames: [frame(file, line)],
    });
  }
}
