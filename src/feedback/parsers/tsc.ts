/** The TypeScript compiler: every diagnostic is a failure (`--pretty false` and `--pretty` layouts). */
import { ReportBuilder, type LineParser } from '../builder.js';
import { firstChars, NEXT, PRINTABLE, walkLines } from './line-scan.js';
import { frame } from '../paths.js';
import type { Failure, TestReport } from '../types.js';

const PLAIN = /^(.+?)\((\d+),(\d+)\): (error|warning) (TS\d+): (.*)$/;
const PRETTY = /^(.+?):(\d+):(\d+) - (error|warning) (TS\d+): (.*)$/;
const GLOBAL = /^(error|warning) (TS\d+): (.*)$/;
// The three headers up to their code (`(.*)$` matches any rest of a line), for counting in bulk at a line's start.
const COUNTED =
  /.+?\(\d+,\d+\): (?:error|warning) TS\d+: |.+?:\d+:\d+ - (?:error|warning) TS\d+: |(?:error|warning) TS\d+: /y;
// `.+?` may start with a blank: every line is tried.
const ANY = firstChars(' \t' + PRINTABLE, true);

export class TscParser implements LineParser {
  private readonly builder: ReportBuilder;
  private current: Failure | null = null;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('tsc', maxFailures);
  }
  push(line: string): void {
    // Once the report is full, a diagnostic is only counted: a test per line, no match arrays, no objects.
    if (this.builder.full) {
      if (line.includes(' TS') && (PLAIN.test(line) || PRETTY.test(line) || GLOBAL.test(line))) {
        this.close();
        this.builder.countOnly();
      }
      return;
    }
    const m = PLAIN.exec(line) ?? PRETTY.exec(line);
    if (m) {
      this.close();
      const [, file, ln, col, , code, message] = m;
      this.current = {
        test: `${file}:${ln}:${col}`,
        kind: code!,
        message: message!,
        frames: [frame(file!, Number(ln))],
      };
      return;
    }
    const g = GLOBAL.exec(line);
    if (g) {
      this.close();
      this.current = { test: 'tsc', kind: g[2]!, message: g[3]!, frames: [] };
      return;
    }
    // A multi-line message continues on indented lines right after its header.
    if (this.current && line.charCodeAt(0) <= 0x20 && /^\s+\S/.test(line) && !/^\s*~+\s*$/.test(line)) {
      this.current.message += `\n${line.trim()}`;
      return;
    }
    this.close();
  }

  /** Once the report is full every line but a diagnostic is ignored: diagnostics are counted in one scan. */
  bulk(text: string, from: number, to: number): number {
    if (!this.builder.full) return from;
    return walkLines(text, from, to, ANY, (start) => {
      COUNTED.lastIndex = start;
      if (COUNTED.test(text)) this.builder.countOnly();
      return NEXT;
    });
  }

  finish(): TestReport {
    this.close();
    return this.builder.report();
  }

  private close(): void {
    if (this.current) this.builder.add(this.current);
    this.current = null;
  }
}
