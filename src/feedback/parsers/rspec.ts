/**
 * RSpec's progress and documentation formatters: the numbered `Failures:` list (`Failure/Error:`, the message,
 * `# ./lib/x.rb:24:in …` frames), errors outside examples (a spec file that fails to load), the
 * `N examples, F failures, P pending` summary and the `rspec ./spec/x_spec.rb:9 # …` re-run list.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { frame } from '../paths.js';
import { eachLine } from './line-loop.js';
import { DIGITS, firstChars, isBlank, NEXT, STOP, walkLines } from './line-scan.js';
import { pushCapped } from '../text.js';
import type { Failure, TestReport } from '../types.js';
import { parseRubyError } from './ruby.js';

const ENTRY = /^\s{2}(\d+)\) (.+)$/;
const SUMMARY =
  /^(\d+) examples?, (\d+) failures?(?:, (\d+) pending)?(?:, (\d+) errors? occurred outside of examples)?$/;
const RERUN = /^rspec (\.\/\S+?):(\d+) # (.*)$/;
const LOAD = /^An error occurred while loading (\S+?)\.?$/;
// Headings and entries: outside a block, and inside one once full (counted, not read), only these are read.
// By first character: `Pending: `, `Failures:`, `An error`, a digit, `rspec `, `Finished in `, ` [^\\S\\n]\\d` (an entry).
const STOPS = firstChars('PFAr ' + DIGITS);

export class RspecParser implements LineParser {
  private readonly builder: ReportBuilder;
  private section: 'none' | 'pending' | 'failures' = 'none';
  private block: { title: string; lines: string[] } | null = null;
  /** Indices of kept failures that have no file yet, by title, for the re-run list (O(1) per line). */
  private readonly unlocated = new Map<string, number[]>();

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('rspec', maxFailures);
  }

  push(line: string): void {
    // Only lines starting with a letter or digit can be a heading, summary or re-run entry: one test per line
    // for the body lines (indented) that make up most of the output.
    const c = line.charCodeAt(0);
    if (c !== 0x20 && this.heading(line)) return;
    const entry = this.section === 'failures' && c === 0x20 ? ENTRY.exec(line) : null;
    if (entry) {
      this.close();
      this.block = { title: entry[2]!, lines: [] };
      return;
    }
    if (this.block) this.block.lines = pushCapped(this.block.lines, line);
  }

  /** A column-0 line that changes state; false when it is body text. */
  private heading(line: string): boolean {
    if (line.startsWith('Pending: ')) return (this.enter('pending'), true);
    if (line === 'Failures:') return (this.enter('failures'), true);
    const load = line.startsWith('An error') ? LOAD.exec(line) : null;
    if (load) {
      this.close();
      this.section = 'failures';
      this.block = { title: load[1]!, lines: [] };
      return true;
    }
    const c = line.charCodeAt(0);
    const summary = isDigit(c) ? SUMMARY.exec(line) : null;
    if (summary) {
      this.enter('none');
      const [, examples, failures, pending, outside] = summary;
      const failed = Number(failures) + Number(outside ?? 0);
      const skipped = Number(pending ?? 0);
      this.builder.addSummary({ passed: Number(examples) - Number(failures) - skipped, failed, skipped });
      return true;
    }
    const rerun = line.startsWith('rspec ') ? RERUN.exec(line) : null;
    if (rerun) return (this.declaration(rerun[1]!.slice(2), Number(rerun[2]), rerun[3]!), true);
    if (c === 0x46 /* F */ && /^Finished in [\d.]+ /.test(line)) return (this.enter('none'), true);
    return false;
  }

  /**
   * Until full, a block's indented lines that are no entry go to it directly, the others to `push`; else (or
   * outside a block) only headings and entries are read, the other lines skipped.
   */
  bulk(text: string, from: number, to: number): number {
    if (!this.builder.full && this.block)
      return eachLine(text, from, to, (start, end) => {
        const block = this.block;
        if (this.builder.full || !block) return false;
        const line = text.slice(start, end);
        const body =
          text.charCodeAt(start) === 0x20 &&
          !(this.section === 'failures' && isBlank(text, start + 1) && isDigit(text.charCodeAt(start + 2)));
        if (body) block.lines = pushCapped(block.lines, line);
        else this.push(line);
        return true;
      });
    return walkLines(text, from, to, STOPS, (start, _end, c) =>
      c !== 0x20 || (isBlank(text, start + 1) && isDigit(text.charCodeAt(start + 2))) ? STOP : NEXT,
    );
  }

  finish(): TestReport {
    this.close();
    return this.builder.report();
  }

  private enter(section: typeof this.section): void {
    this.close();
    this.section = section;
  }

  private close(): void {
    const block = this.block;
    this.block = null;
    if (!block) return;
    if (this.builder.full) return this.builder.countOnly();
    const body = block.lines.filter((l) => !/^\s*Failure\/Error: /.test(l));
    const info = parseRubyError(body, 'ExpectationNotMetError');
    const failure: Failure = { test: block.title, ...info };
    if (LOAD.test(`An error occurred while loading ${block.title}`) && block.title.startsWith('./')) {
      failure.test = block.title.slice(2);
      failure.file = failure.test;
    }
    const index = this.builder.failures.length;
    this.builder.add(failure);
    if (this.builder.failures.length > index && !this.builder.failures[index]!.file) {
      const list = this.unlocated.get(failure.test);
      if (list) list.push(index);
      else this.unlocated.set(failure.test, [index]);
    }
  }

  /** The re-run list names each failed example's declaration: the location when no frame had one. */
  private declaration(file: string, line: number, title: string): void {
    const i = this.unlocated.get(title)?.shift();
    if (i === undefined) return;
    const { test, kind, ...rest } = this.builder.failures[i]!;
    this.builder.failures[i] = { test, file, line, kind, ...rest, frames: [frame(file, line)] };
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
