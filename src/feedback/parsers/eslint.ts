/** ESLint's stylish (default) and unix formatters: every problem is a failure, its rule is the kind. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { isChainStop } from '../bulk.js';
import { MAX_LINE } from '../text.js';
import { indentEnd, otherSpace } from './line-loop.js';
import { frame } from '../paths.js';
import type { TestReport } from '../types.js';

const STYLISH = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.*)$/;
const UNIX = /^(.+?):(\d+):(\d+): (.*) \[(Error|Warning)(?:\/(.+))?\]$/;
// A STYLISH problem's start (the rest of its line is any text), for counting in bulk once full.
const STYLISH_AT = /[^\S\n]+\d+:\d+[^\S\n]+(?:error|warning)[^\S\n]/y;

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

  /** Once full: counts STYLISH problems and skips other indented and blank lines; a line at column 0 (a file name,
   * a unix problem) or ending with `]` is left to `push`. One loop over line starts, ~2x a multiline regex. */
  bulk(text: string, from: number, to: number): number {
    if (!this.builder.full) return from;
    for (let start = from; start < to;) {
      const end = text.indexOf('\n', start);
      if (end < 0 || end >= to) return start;
      if (end > start) {
        const c = text.charCodeAt(start);
        if (!(c === 0x20 || c === 0x09 || otherSpace(text, start)) || isChainStop(text, start)) return start;
        if (end - start > MAX_LINE || text.charCodeAt(end - 1) === 0x5d /* ] */) return start;
        if (isStylishProblem(text, start, end)) {
          if (!this.file) return start;
          this.builder.countOnly();
        }
      }
      start = end + 1;
    }
    return to;
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

/** `STYLISH_AT` at the start of the indented line [start, end), by hand unless a wider blank than space/tab shows. */
function isStylishProblem(text: string, start: number, end: number): boolean {
  const sticky = (): boolean => {
    STYLISH_AT.lastIndex = start;
    return STYLISH_AT.test(text);
  };
  let i = indentEnd(text, start, end);
  if (i === start || text.charCodeAt(i) >= 0x80) return sticky();
  const line = i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === line || text.charCodeAt(i) !== 0x3a /* : */) return false;
  const column = ++i;
  while (isDigit(text.charCodeAt(i))) i++;
  if (i === column) return false;
  const gap = i;
  i = indentEnd(text, i, end);
  if (text.charCodeAt(i) >= 0x80) return sticky();
  if (i === gap) return false;
  if (text.startsWith('error', i)) i += 5;
  else if (text.startsWith('warning', i)) i += 7;
  else return false;
  const c = text.charCodeAt(i);
  return c === 0x20 || c === 0x09 || otherSpace(text, i);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
