import { builtinFixers } from '../fixers/index.js';
import { describeScore, scoreCandidate, type QualityScore } from '../score/index.js';
import { diffOfEdits, type FileEdit } from '../tools/index.js';
import type { RepairOptions, TestRun } from './context.js';
import { checkEdit, isTestFile } from './guard.js';
import type { IterationEvent, Phase, Reporter, StopReason } from './log.js';
import { failingTests, isGreen, runTestCommand } from './testrun.js';

export interface StopInfo {
  reason: StopReason;
  detail: string;
  limit?: string;
}

/** Thrown inside the loop to end the run with a reason; caught at the top and turned into the stop event. */
export class StopRun extends Error {
  constructor(readonly info: StopInfo) {
    super(info.detail);
  }
}

export interface RepairResult {
  success: boolean;
  stop: StopInfo;
  edits: FileEdit[];
  diff: string;
  iterations: number;
  baseline?: TestRun;
  final?: TestRun;
  score?: QualityScore;
  flaky: string[];
  rootCause?: string;
}

/** The `--no-score` stand-in: the share of tests passing only, computed without the sandbox. */
function testsOnlyScore(run: TestRun, baseline: TestRun['report']): QualityScore {
  const total = run.report.passed + run.report.failed;
  const testsPassing = total === 0 ? (run.exitCode === 0 ? 1 : 0) : run.report.passed / total;
  const before = new Set(baseline.failures.map((f) => f.test));
  const newFailures = new Set(run.report.failures.filter((f) => !before.has(f.test)).map((f) => f.test)).size;
  return { value: testsPassing, parts: { testsPassing, newFailures, diffLines: 0 } };
}

/** Shared state of one run: options with defaults, the event stream, test runs and scoring. */
export class Session {
  readonly mode: 'repair' | 'issue';
  readonly noProgressLimit: number;
  readonly signal: AbortSignal;
  readonly reporter: Reporter;
  readonly fixers;
  readonly rootCauses: string[] = [];
  baseline!: TestRun;
  iteration = 0;
  reproduced = false;
  /** Issue mode: the tests the model wrote that failed before the fix. */
  reproTests: string[] = [];
  private readonly started = Date.now();

  constructor(readonly options: RepairOptions) {
    this.mode = options.mode ?? 'repair';
    this.noProgressLimit = options.noProgressLimit ?? 3;
    this.signal = options.signal
      ? AbortSignal.any([options.signal, options.budget.signal])
      : options.budget.signal;
    this.reporter = options.reporter ?? { event: () => undefined };
    this.fixers = options.ablation?.fixers === false ? [] : (options.fixers ?? builtinFixers);
    this.scoring = options.ablation?.score !== false;
  }

  /** Whether the quality score is computed and shown (the `--no-score` ablation turns it off). */
  readonly scoring: boolean;

  emit(phase: Phase, message: string, extra: Partial<IterationEvent> = {}): void {
    this.reporter.event({
      ts: new Date().toISOString(),
      iteration: this.iteration,
      phase,
      message,
      ...extra,
    });
  }

  /** Why the run must end now, if `/mimo stop` was sent or the wall-time budget is spent. */
  interruption(): StopInfo | undefined {
    if (this.options.signal?.aborted)
      return { reason: 'aborted', detail: 'stopped on request (/mimo stop or Ctrl-C)' };
    // Iterations are gated where a turn starts, tokens and dollars by withBudget before each model call (a run
    // with no model spends none); here only the wall time, which test runs spend too.
    if (this.options.budget.remainingMs() <= 0) {
      return { reason: 'budget', detail: this.options.budget.describe('wall_time'), limit: 'wall_time' };
    }
    return undefined;
  }

  /** Ends the run now if `/mimo stop` was sent or the wall-time budget is spent. */
  checkInterrupt(): void {
    const stop = this.interruption();
    if (stop) throw new StopRun(stop);
  }

  /** Runs the tests (whole suite or a narrowed command) within the remaining wall time. */
  async test(command = this.options.testCommand): Promise<TestRun> {
    this.checkInterrupt();
    const timeout = Math.min(this.options.commandTimeoutMs ?? 600_000, this.options.budget.remainingMs());
    let run: TestRun;
    try {
      run = await runTestCommand({
        sandbox: this.options.sandbox,
        analyzer: this.options.analyzer,
        command,
        timeoutMs: timeout,
        signal: this.signal,
        env: this.options.env,
      });
    } catch (error) {
      this.checkInterrupt(); // an exec cut short by /mimo stop or the wall time says so, not "error"
      throw error;
    }
    if (this.options.signal?.aborted)
      throw new StopRun({ reason: 'aborted', detail: 'stopped on request (/mimo stop or Ctrl-C)' });
    if (run.timedOut && this.options.budget.exhausted() === 'wall_time') {
      throw new StopRun({
        reason: 'budget',
        detail: 'the wall time budget ran out during a test run',
        limit: 'wall_time',
      });
    }
    return run;
  }

  /**
   * The run's quality score. The parts that cost a process in the sandbox (Python's complexity pass, the linters)
   * are computed only where they decide something: for a green run (the score ranks green candidates) and for the
   * final one (`full`). A red turn's score has the parts computed on the host, which keeps Python starts out of a
   * turn's overhead (src/score: a Python start plus pyflakes' import is 300–600 ms under load).
   */
  async score(run: TestRun, { full = false }: { full?: boolean } = {}): Promise<QualityScore> {
    if (!this.scoring) return testsOnlyScore(run, this.baseline?.report ?? run.report);
    return scoreCandidate({
      report: run.report,
      exitCode: run.exitCode,
      baseline: this.baseline?.report ?? run.report,
      edits: this.options.workspace.edits(),
      output: run.output,
      baselineOutput: this.baseline?.output ?? run.output,
      sandbox: full || isGreen(run) ? this.options.sandbox : undefined,
      signal: this.signal,
    });
  }

  /** Logs a test run with its failures and score. */
  emitRun(
    phase: Phase,
    message: string,
    run: TestRun,
    score?: QualityScore,
    extra: Partial<IterationEvent> = {},
  ): void {
    const tests = failingTests(run);
    this.emit(phase, message, {
      command: run.command,
      exitCode: run.exitCode,
      durationMs: run.durationMs,
      failures: {
        passed: run.report.passed,
        failed: Math.max(run.report.failed, isGreen(run) ? 0 : tests.length),
        skipped: run.report.skipped,
        tests: tests.slice(0, 50),
        signature: run.signature,
      },
      score: score ? { value: score.value, parts: score.parts } : undefined,
      ...extra,
    });
  }

  /** The fix is acceptable: green, and no test that ran at the baseline has disappeared. */
  accepted(run: TestRun): boolean {
    return isGreen(run) && run.report.passed >= this.baseline.report.passed;
  }

  /** The score as shown to the model; undefined when the score is ablated. */
  describe(score: QualityScore): string | undefined {
    return this.scoring ? describeScore(score) : undefined;
  }

  readSource = (file: string): string | undefined => {
    // Synchronous reads are not available on Workspace; feedback rendering takes what was cached.
    return this.sourceCache.get(file.replace(/^\.\//, ''));
  };
  readonly sourceCache = new Map<string, string>();

  /** Caches the project files named by a report, so the renderer can show source lines around failures. */
  async cacheSources(run: TestRun): Promise<void> {
    const workdir = this.options.sandbox.workdir.replace(/\/+$/, '') + '/';
    for (const f of run.report.failures) {
      for (const file of [f.file, ...f.frames.filter((fr) => fr.inProject).map((fr) => fr.file)]) {
        if (!file) continue;
        const rel = file.startsWith(workdir) ? file.slice(workdir.length) : file;
        if (rel.startsWith('/') || this.sourceCache.has(rel)) continue;
        const text = await this.options.workspace.readIfExists(rel).catch(() => null);
        if (text !== null) {
          this.sourceCache.set(rel, text);
          this.sourceCache.set(file, text);
        }
      }
    }
  }

  async feedback(run: TestRun): Promise<string> {
    await this.cacheSources(run);
    if (isGreen(run)) return `All tests pass (${run.report.passed} passed).`;
    const structured = this.structuredFeedback(run);
    // The `raw` ablation: the same amount of text, taken from the end of what the test command printed.
    if (this.options.ablation?.feedback === 'raw') return run.output.slice(-structured.length);
    return structured;
  }

  private structuredFeedback(run: TestRun): string {
    const rendered = this.options.analyzer.render(run.report, this.readSource);
    if (run.report.failures.length > 0) return rendered;
    const tail = run.output.slice(-3000);
    return `${rendered}\nThe test command ${run.timedOut ? 'timed out' : `exited with code ${run.exitCode}`}; the end of its output:\n${tail}`;
  }

  /** The anti-cheat guard with this run's policy; in issue mode only test files may change until reproduction. */
  guard = (path: string, before: string | null, after: string | null): string | null => {
    const original = this.options.workspace.originalOf(path);
    const refused = checkEdit(
      { path, original: original === undefined ? before : original, before, after },
      {
        allow: this.options.paths?.allow ?? [],
        deny: this.options.paths?.deny ?? [],
        mode: this.mode,
        ...(this.options.resolvePath ? { resolve: this.options.resolvePath } : {}),
      },
    );
    if (refused) return refused;
    if (this.mode === 'issue' && !this.reproduced && !isTestFile(path)) {
      return `${path}: first write a test that reproduces the issue (a test file); code changes come after the loop confirms it fails.`;
    }
    return null;
  };

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  diff(): string {
    return diffOfEdits(this.options.workspace.edits());
  }
}
