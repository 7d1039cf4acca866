/** `cargo test`: panics (with or without `RUST_BACKTRACE`), `test result` lines, rustc compile errors. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { withExpectedActual } from '../extract.js';
import { frame } from '../paths.js';
import { isChainStop } from '../bulk.js';
import { MAX_LINE, pushCapped } from '../text.js';
import type { Failure, Frame, TestReport } from '../types.js';
import { NextestCollector } from './nextest.js';

const BLOCK = /^---- (.+?) stdout ----$/;
// A doctest is named after its fence: `src/lib.rs - average (line 3)`.
const DOCTEST = /^(\S+) - .+ \(line (\d+)\)$/;
const PANIC = /^thread '(.+?)'(?: \(\d+\))? panicked at (?:'(.*)', )?(\S+?):(\d+):(\d+):?$/;
const RESULT = /^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/;
const TEST_LINE = /^test (\S+) \.\.\. (ok|FAILED|ignored)/;
const DIAGNOSTIC = /^(error|warning)(?:\[(E\d+)\])?: (.*)$/;
const ARROW = /^\s*--> (.+?):(\d+):(\d+)$/;
// A line of a failed event's output that `push` reads itself (a superset: at any line start, whatever follows).
const OUTPUT_STOP =
  /(?:^|\n)(?:-{3}|test result: |failures:|\{|[^\S\n]*(?:PASS|FAIL|SKIP|FLAKY|TIMEOUT|SIG|ABORT|LEAK|TRY|SLOW|Summary))/;
const FN_LINE = /^\s+\d+: (.+)$/;
const AT_LINE = /^\s+at (.+?):(\d+)(?::\d+)?$/;
// Inside a failure's block (its lines kept, or only counted once full), by a line's first characters: the lines
// that end it (a block, `failures:`, `test result:`) or that nextest's collector reads (`--- STDOUT:`, status and
// summary lines); the rest only go to the block.
const NEXTEST_WORD = /[^\S\n]*(?:PASS|FAIL|SKIP|FLAKY|TIMEOUT|SIG|ABORT|LEAK|TRY|SLOW|Summary)/y;

export function isBlockStop(text: string, start: number, end: number): boolean {
  if (isChainStop(text, start)) return true;
  const c = text.charCodeAt(start);
  if (c === 0x2d /* - */) return text.startsWith('---', start);
  if (c === 0x74 /* t */) return text.startsWith('test result: ', start);
  if (c === 0x66 /* f */) return end - start === 9 && text.startsWith('failures:', start);
  if (
    c === 0x20 ||
    c === 0x09 ||
    c > 0x7f ||
    c === 0x50 ||
    c === 0x46 ||
    c === 0x53 ||
    c === 0x54 ||
    c === 0x41 ||
    c === 0x4c
  ) {
    NEXTEST_WORD.lastIndex = start;
    return NEXTEST_WORD.test(text);
  }
  return false;
}

export class CargoParser implements LineParser {
  private readonly builder: ReportBuilder;
  private block: { test: string; lines: string[] } | null = null;
  private diagnostic: { code?: string; message: string } | null = null;
  private readonly nextest = new NextestCollector();

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('cargo', maxFailures);
  }
  push(line: string): void {
    if (this.nextest.push(line)) return;
    if (line.startsWith('{ "type": ') || line.startsWith('{"type":')) return this.event(line);
    const block = BLOCK.exec(line);
    if (block) {
      this.close();
      this.block = { test: block[1]!, lines: [] };
      return;
    }
    const result = RESULT.exec(line);
    if (result) {
      this.close();
      this.builder.addSummary({
        passed: Number(result[1]),
        failed: Number(result[2]),
        skipped: Number(result[3]),
      });
      return;
    }
    if (/^failures:$/.test(line)) return this.close();
    if (this.block) {
      // Once full a block is only counted when it closes: its lines are not kept.
      if (!this.builder.full) this.block.lines = pushCapped(this.block.lines, line);
      return;
    }
    const test = TEST_LINE.exec(line);
    if (test) {
      if (test[2] === 'ok') this.builder.pass();
      else if (test[2] === 'ignored') this.builder.skip();
      return;
    }
    const diag = DIAGNOSTIC.exec(line);
    if (diag) {
      this.diagnostic = diag[1] === 'error' ? { code: diag[2], message: diag[3]! } : null;
      return;
    }
    const arrow = ARROW.exec(line);
    if (arrow && this.diagnostic) {
      const [, file, ln, col] = arrow;
      this.builder.add({
        test: `${file}:${ln}:${col}`,
        kind: this.diagnostic.code ?? 'error',
        message: this.diagnostic.message,
        frames: [frame(file!, Number(ln))],
      });
      this.diagnostic = null;
    }
  }

  /**
   * libtest json event lines (`{ "type": …`, which the JSON collector and the Actions framer pass through
   * unchanged) are taken here without the per-line chain; a failure's block once full is skipped to its end.
   */
  bulk(text: string, from: number, to: number): number {
    while (from < to) {
      if (text.startsWith('{ "type": ', from) || text.startsWith('{"type":', from)) {
        const nl = text.indexOf('\n', from);
        // A longer line is cut by the chain before a parser sees it: left to the per-line path.
        if (nl - from > MAX_LINE) return from;
        this.push(text.slice(from, nl));
        from = nl + 1;
        continue;
      }
      const block = this.block;
      if (block === null || this.nextest.seen) return from;
      // A block's lines go to it as `push` would, without the per-line chain (or are skipped once full).
      const keep = !this.builder.full;
      const start = from;
      for (;;) {
        const nl = text.indexOf('\n', from);
        if (nl < 0 || nl >= to || nl - from > MAX_LINE || isBlockStop(text, from, nl)) break;
        if (keep) block.lines = pushCapped(block.lines, text.slice(from, nl));
        from = nl + 1;
      }
      if (from === start) return from;
    }
    return from;
  }

  /** libtest's `--format json` events, replayed as the text lines they stand for. */
  private event(line: string): void {
    // Only failed tests and a suite's end are read: skip the started/ok events without parsing them.
    // A suite's `started` event has neither `failed` nor `ok` (nor an escape that could spell them).
    if (
      !line.includes('failed') &&
      (!line.includes('suite') || (!line.includes('ok') && !line.includes('\\')))
    )
      return;
    let e: { type?: string; event?: string; name?: string; stdout?: string } & Record<string, unknown>;
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      return;
    }
    if (e.type === 'test' && e.event === 'failed' && e.name) {
      this.push(`---- ${e.name} stdout ----`);
      // Once full, a block's lines are only counted: without one that ends it or is nextest's, the block just closes.
      const out = e.stdout;
      const skip = this.block !== null && this.builder.full && !this.nextest.seen;
      if (skip && (out === undefined || (typeof out === 'string' && !OUTPUT_STOP.test(out))))
        return this.close();
      for (const l of (e.stdout ?? '').split('\n')) this.push(l);
      this.push('failures:');
    } else if (e.type === 'suite' && (e.event === 'ok' || e.event === 'failed')) {
      const n = (k: string) => (typeof e[k] === 'number' ? (e[k] as number) : 0);
      this.push(
        `test result: ${e.event === 'ok' ? 'ok' : 'FAILED'}. ${n('passed')} passed; ${n('failed')} failed; ${n('ignored')} ignored`,
      );
    }
  }

  finish(): TestReport {
    this.close();
    if (this.nextest.seen) {
      for (const [test, lines] of this.nextest.failed) {
        if (this.builder.full) this.builder.countOnly();
        else this.builder.add(panicFailure(test, lines));
      }
      if (this.nextest.summary) this.builder.addSummary(this.nextest.summary);
    }
    return this.builder.report();
  }

  private close(): void {
    if (!this.block) return;
    const { test, lines } = this.block;
    this.block = null;
    if (this.builder.full) return this.builder.countOnly();
    this.builder.add(panicFailure(test, lines));
  }
}

/** The panic of one test: message lines after `panicked at`, location, and backtrace frames if printed. */
function panicFailure(test: string, lines: string[]): Failure {
  const frames: Frame[] = [];
  const message: string[] = [];
  let location: Frame | undefined;
  let state: 'before' | 'message' | 'trace' | 'done' = 'before';
  let fn = '';
  for (const line of lines) {
    if (state === 'before') {
      const panic = PANIC.exec(line);
      if (panic) {
        location = frame(panic[3]!, Number(panic[4]));
        if (panic[2] !== undefined) message.push(panic[2]);
        state = 'message';
        continue;
      }
    }
    if (line.startsWith('stack backtrace:')) {
      state = 'trace';
      continue;
    }
    if (state === 'message') {
      if (line.startsWith('note: ') || !line.trim()) state = 'done';
      else message.push(line);
      continue;
    }
    if (state === 'trace') {
      // `   4: name` or `             at file:line:col` (the two never match the same line).
      const fnLine = FN_LINE.exec(line);
      if (fnLine) fn = fnLine[1]!;
      else {
        const at = AT_LINE.exec(line);
        if (at) frames.push(frame(at[1]!.replace(/^\.\//, ''), Number(at[2]), fn));
      }
    }
  }
  // rustdoc's panic line is off by one inside its generated `main` (Rust 1.85 points at the line after the failing
  // assertion), so a doctest is located by the fence line its name gives.
  const doctest = DOCTEST.exec(test);
  if (doctest && !frames.length) frames.push(frame(doctest[1]!, Number(doctest[2])));
  else if (!frames.length && location) frames.push(location);
  const info = withExpectedActual({ kind: 'panic', message: message.join('\n'), frames });
  return { test, ...info };
}
