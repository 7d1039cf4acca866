import { TOOL_ENV, type Sandbox } from '../sandbox/index.js';
import type { Analyzer, TestRun } from './context.js';

/** Whether a test run is green: exit 0, nothing failing, nothing cut short. */
export function isGreen(run: TestRun): boolean {
  return run.exitCode === 0 && !run.timedOut && run.report.failed === 0 && run.report.failures.length === 0;
}

/** Failing test ids of a run (a failed run with no parsed failure counts as one pseudo-test). */
export function failingTests(run: TestRun): string[] {
  const ids = [...new Set(run.report.failures.map((f) => f.test))];
  if (ids.length === 0 && !isGreen(run))
    return [run.timedOut ? '(test command timed out)' : `(test command exited ${run.exitCode})`];
  return ids;
}

/** Tests failing in `run` that did not fail in `baseline`. */
export function newFailures(baseline: TestRun, run: TestRun): string[] {
  const before = new Set(failingTests(baseline));
  return failingTests(run).filter((t) => !before.has(t));
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The test command narrowed to some tests, where the runner takes test ids as arguments (pytest, go, cargo…). */
export function selectTests(command: string, runner: string, tests: string[] | undefined): string {
  if (!tests || tests.length === 0) return command;
  if (runner === 'pytest' || /\bpytest\b/.test(command))
    return `${command} ${tests.map(shellQuote).join(' ')}`;
  if (runner === 'jest' || runner === 'vitest' || /\b(jest|vitest)\b/.test(command)) {
    const pattern = tests
      .map((t) =>
        t
          .split(' › ')
          .pop()!
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('|');
    return `${command} -t ${shellQuote(pattern)}`;
  }
  return command;
}

export interface RunTestsOptions {
  sandbox: Sandbox;
  analyzer: Analyzer;
  command: string;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
}

/** Runs the command in the sandbox (network off is the sandbox's default for tests) and parses its output. */
export async function runTestCommand(options: RunTestsOptions): Promise<TestRun> {
  const started = Date.now();
  const result = await options.sandbox.exec(options.command, {
    timeoutMs: Math.max(1000, options.timeoutMs),
    signal: options.signal,
    env: { CI: 'true', PYTHONDONTWRITEBYTECODE: '1', ...TOOL_ENV, ...options.env },
  });
  const output = result.stdout + (result.stdout && result.stderr ? '\n' : '') + result.stderr;
  const report = options.analyzer.parse(output);
  return {
    command: options.command,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    output,
    report,
    signature:
      options.analyzer.signature(report) +
      (result.timedOut ? '|timeout' : '') +
      (report.failures.length === 0 && result.exitCode !== 0 ? `|exit${result.exitCode}` : ''),
    durationMs: result.durationMs ?? Date.now() - started,
  };
}
