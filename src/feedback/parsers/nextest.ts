/**
 * cargo-nextest's console: status lines (`        FAIL [   0.014s] takeoff::main test_set_origin`, with an
 * optional `(1/2)` counter), each failing test's captured output (`--- STDOUT:  binary test ---` and
 * `--- STDERR: …` blocks, or the newer indented `  stderr ───` sections), and the
 * `Summary [   0.015s] 1 test run: 0 passed, 1 failed, 0 skipped` line. The final list after the summary repeats
 * the FAIL lines: each test is one failure. The output blocks hold libtest's own `test result:` lines, which are
 * not the run's counts.
 */

const STATUS =
  /^\s*(PASS|FAIL|SKIP|FLAKY|TIMEOUT|SIGSEGV|SIGABRT|SIGKILL|SIGBUS|ABORT|LEAK|LEAK-FAIL|TRY \d+ (?:PASS|FAIL)|SLOW)\s+\[\s*[\d.]+m?s\]\s+(?:\(\s*\d+\/\d+\)\s+)?(\S+)(?:\s+(\S+))?/;
const OUTPUT = /^-{3} (?:TRY \d+ )?STD(?:OUT|ERR):\s+(\S+)(?:\s+(\S+))? -{3}$/;
const SECTION = /^\s+(stdout|stderr) ─+$/;
const SUMMARY = /^\s*Summary \[\s*[\d.]+m?s\]\s+(?:\d+\/)?\d+ tests? run: (.*)$/;
const FAILING = new Set(['FAIL', 'TIMEOUT', 'SIGSEGV', 'SIGABRT', 'SIGKILL', 'SIGBUS', 'ABORT', 'LEAK-FAIL']);

export interface NextestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export class NextestCollector {
  /** Failing tests in the order first seen, with their captured output lines. */
  readonly failed = new Map<string, string[]>();
  summary: NextestCounts | null = null;
  private block: string[] | null = null;
  private indented = false;
  /** True once a nextest line was seen: the log is nextest's. */
  seen = false;
  private lastFailed = '';

  /** True when the line was nextest's (a status, a block header or a captured line). */
  push(line: string): boolean {
    const c = line.charCodeAt(0);
    if (c === 0x2d /* - */) {
      const out = OUTPUT.exec(line);
      if (out) {
        this.seen = true;
        const test = out[2] ?? out[1]!;
        this.block = this.output(test);
        this.indented = false;
        return true;
      }
    }
    if (c === 0x20 || c === 0x09 || c === 0x53 /* S */ || c === 0x50 || c === 0x46) {
      const status = line.includes('] ') ? STATUS.exec(line) : null;
      if (status) {
        this.seen = true;
        this.block = null;
        const test = status[3] ?? status[2]!;
        if (FAILING.has(status[1]!)) {
          this.output(test);
          this.lastFailed = test;
        }
        return true;
      }
      const summary = line.includes('Summary [') ? SUMMARY.exec(line) : null;
      if (summary) {
        this.seen = true;
        this.block = null;
        const n = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary[1]!)?.[1] ?? 0);
        this.summary = { passed: n('passed'), failed: n('failed') + n('timed out'), skipped: n('skipped') };
        return true;
      }
      const section = this.seen && this.lastFailed ? SECTION.exec(line) : null;
      if (section) {
        this.block = this.output(this.lastFailed);
        this.indented = true;
        return true;
      }
    }
    if (!this.block) return false;
    if (/^(-{12}|Cancelling due to test failure|error: test run failed)/.test(line)) {
      this.block = null;
      return true;
    }
    this.block.push(this.indented ? line.replace(/^ {1,4}/, '') : line);
    if (this.block.length > 2000) this.block.splice(1000, this.block.length - 1800);
    return true;
  }

  private output(test: string): string[] {
    let lines = this.failed.get(test);
    if (!lines) this.failed.set(test, (lines = []));
    return lines;
  }
}
