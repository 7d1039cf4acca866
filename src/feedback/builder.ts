import { innermost } from './paths.js';
import { detach } from './text.js';
import type { Failure, Frame, Locals, TestReport } from './types.js';

/** Failures kept per report; beyond it failures are still counted in `failed` but not stored. */
export const MAX_FAILURES = 5_000;

/** A parser consumes cleaned lines one at a time, so a 50 MB log never has to be in memory at once. */
export interface LineParser {
  push(line: string): void;
  /**
   * Optional bulk path (`bulk.ts`): takes the lines of `text` from `from` to `to` (whole lines) that its current
   * state ignores or only counts, as `push` would, and returns the start of the first line it did not take.
   */
  bulk?(text: string, from: number, to: number): number;
  finish(): TestReport;
}

export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Collects failures and counts. Counts printed by the runner's summary win over counts derived from the
 * failures seen; summaries of several runs in one log (several packages, sessions or test binaries) add up.
 */
export class ReportBuilder {
  readonly failures: Failure[] = [];
  private summary: Counts | null = null;
  private seen: Counts = { passed: 0, failed: 0, skipped: 0 };

  constructor(
    readonly runner: string,
    private readonly maxFailures = MAX_FAILURES,
    /** False when the failures' strings are their own already (from `JSON.parse`, not sliced out of a chunk). */
    private readonly copyStrings = true,
  ) {}

  /** True once the report holds `maxFailures`: parsers then only count further failures, without details. */
  get full(): boolean {
    return this.failures.length >= this.maxFailures;
  }

  /** Counts a failure whose details are not kept (the report is full). */
  countOnly(): void {
    this.seen.failed++;
  }

  /** `failure.file`/`line` are the fallback location, used only when no frame is inside the project. */
  add(failure: Failure): void {
    this.seen.failed++;
    if (this.full) return;
    this.failures.push(ordered(failure, this.copyStrings));
  }

  pass(n = 1): void {
    this.seen.passed += n;
  }

  skip(n = 1): void {
    this.seen.skipped += n;
  }

  /** Adds one summary line's counts (e.g. `3 failed, 2 passed`). */
  addSummary(counts: Partial<Counts>): void {
    this.summary ??= { passed: 0, failed: 0, skipped: 0 };
    this.summary.passed += counts.passed ?? 0;
    this.summary.failed += counts.failed ?? 0;
    this.summary.skipped += counts.skipped ?? 0;
  }

  get hasSummary(): boolean {
    return this.summary !== null;
  }

  report(): TestReport {
    const counts = this.summary ?? this.seen;
    return {
      runner: this.runner,
      passed: counts.passed,
      failed: Math.max(counts.failed, this.summary ? 0 : this.failures.length),
      skipped: counts.skipped,
      failures: this.failures,
    };
  }
}

/**
 * Copies a failure with its location resolved and keys in the order of the CLI contract. With `copy`, its strings
 * are detached from the text they were read from (`detach`), so a kept failure holds only its own characters.
 */
function ordered(failure: Failure, copy: boolean): Failure {
  const own = copy ? detach : (text: string) => text;
  const loc = innermost(failure.frames) ?? { file: failure.file, line: failure.line };
  const out: Failure = { test: own(failure.test) } as Failure;
  if (loc.file) out.file = own(loc.file);
  if (loc.file && loc.line !== undefined) out.line = loc.line;
  out.kind = own(failure.kind || 'Error');
  out.message = own(failure.message.trim());
  if (failure.expected !== undefined) out.expected = own(failure.expected);
  if (failure.actual !== undefined) out.actual = own(failure.actual);
  out.frames = copy ? failure.frames.map(detachFrame) : failure.frames;
  if (failure.locals && Object.keys(failure.locals).length)
    out.locals = copy ? detachLocals(failure.locals) : failure.locals;
  return out;
}

function detachFrame(frame: Frame): Frame {
  const out = { ...frame, file: detach(frame.file) };
  if (frame.function !== undefined) out.function = detach(frame.function);
  return out;
}

function detachLocals(locals: Locals): Locals {
  const out: Locals = {};
  for (const [name, value] of Object.entries(locals)) out[detach(name)] = detach(value);
  return out;
}
