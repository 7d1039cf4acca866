/** ESLint's stylish (default) and unix formatters: every problem is a failure, its rule is the kind. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { frame } from '../paths.js';
import type { TestReport } from '../types.js';

const STYLISH = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const UNIX = /^(.+?):(\d+):(\d+): (.*) \[(Error|Warning)(?:\/(.+))?\]$/;

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
