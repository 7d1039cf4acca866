import type { MimoConfig } from '../config/index.js';
import {
  defaultAnalyzer,
  failingTests,
  isGreen,
  runnerHint,
  runTestCommand,
  selectTests,
  type TestRun,
} from '../repair/index.js';
import { freshCopy, removeCopy } from './copy.js';
import { PatchError } from './errors.js';
import { applyDiff } from './patch.js';
import { sandboxOptions, type SandboxRunner } from './sandboxed.js';
import type { EvalCase, Verification } from './types.js';

export interface VerifyOptions {
  config: MimoConfig;
  image: string;
  run: SandboxRunner;
  signal: AbortSignal;
  /** Limit of each test command (default: the case's `limits.commandTimeoutSeconds`). */
  timeoutMs?: number;
}

function summary(run: TestRun): string {
  return `${failingTests(run).length} failing, ${run.report.passed} passing${run.timedOut ? ', timed out' : ''}`;
}

/**
 * SWE-bench's evaluation step: the diff is applied to a FRESH copy of the case and the test command runs in a FRESH
 * sandbox. Resolved only when the diff applies cleanly, the whole suite is green, and (when the case names
 * `failing` tests) those tests, selected where the runner takes test ids, all pass. What the run claimed does not
 * enter into it.
 */
export async function verifyCase(c: EvalCase, diff: string, options: VerifyOptions): Promise<Verification> {
  if (diff.trim() === '') {
    return { resolved: false, applied: false, detail: 'the run changed nothing', testMs: 0 };
  }
  const copy = await freshCopy(c, 'verify');
  let testMs = 0;
  try {
    try {
      await applyDiff(copy, diff);
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      return { resolved: false, applied: false, detail: `the diff does not apply: ${error.message}`, testMs };
    }
    const setup = c.setup ?? options.config.setup;
    return await options.run(
      sandboxOptions(copy, options.image, options.config, setup, options.signal),
      async ({ sandbox }) => {
        const analyzer = defaultAnalyzer({ fallbackRunner: runnerHint(c.test) });
        const timeoutMs = options.timeoutMs ?? options.config.limits.commandTimeoutSeconds * 1000;
        const run = async (command: string) => {
          const result = await runTestCommand({
            sandbox,
            analyzer,
            command,
            timeoutMs,
            signal: options.signal,
          });
          testMs += result.durationMs;
          return result;
        };
        const suite = await run(c.test);
        if (!isGreen(suite)) {
          return {
            resolved: false,
            applied: true,
            exitCode: suite.exitCode,
            detail: `the tests fail on a fresh copy with the diff: ${summary(suite)}`,
            testMs,
          };
        }
        const failing = c.failing ?? [];
        if (failing.length === 0) {
          return {
            resolved: true,
            applied: true,
            exitCode: 0,
            detail: `the whole suite passes (${summary(suite)})`,
            testMs,
          };
        }
        const narrowed = selectTests(c.test, suite.report.runner, failing);
        if (narrowed === c.test) {
          return {
            resolved: true,
            applied: true,
            exitCode: 0,
            detail: `the whole suite passes (${summary(suite)}); the runner cannot select the ${failing.length} named test(s), so the suite stands for them`,
            testMs,
          };
        }
        const named = await run(narrowed);
        const stillFailing = failing.filter((t) => failingTests(named).includes(t));
        const ok = isGreen(named) && named.report.passed >= failing.length && stillFailing.length === 0;
        return {
          resolved: ok,
          applied: true,
          exitCode: named.exitCode,
          detail: ok
            ? `the whole suite passes (${summary(suite)}) and the ${failing.length} named test(s) pass`
            : `the whole suite passes, but the named tests do not all pass (${summary(named)}; ${named.report.passed} of ${failing.length} ran and passed)`,
          testMs,
        };
      },
    );
  } finally {
    await removeCopy(copy);
  }
}
