import { diffOfEdits } from '../tools/index.js';
import type { RepairOptions, TestRun } from './context.js';
import { runFixers } from './fixers-phase.js';
import { runModelTurns } from './model-phase.js';
import { proveFix } from './proof.js';
import { Session, StopRun, type RepairResult, type StopInfo } from './session.js';
import {
  missingPackage,
  missingPackageDetail,
  ownModulePath,
  missingProgram,
  missingProgramDetail,
} from './missing-program.js';
import { failingTests, isGreen } from './testrun.js';

/**
 * The repair loop: baseline run → (green: nothing to fix) → deterministic fixers → model turns (prompt with the
 * rendered failures, suspects, score and history → tool calls → tests → score → log) → proof of fix. Ends with
 * exactly one stop event saying why: green, budget, no progress, gave up, aborted, flaky, reproduction failed, error.
 */
export async function runRepair(options: RepairOptions): Promise<RepairResult> {
  const session = new Session(options);
  const { workspace, budget } = options;
  let final: TestRun | undefined;
  let stop: StopInfo;
  let flaky: string[] = [];
  let scoreValue;
  session.emit(
    'start',
    `${session.mode} run: \`${options.testCommand}\` with ${options.model ? (options.model.id === 'scripted' ? 'scripted turns (a replay, not a model)' : options.model.id) : 'the deterministic fixers only'}`,
  );
  try {
    session.baseline = await session.test();
    final = session.baseline;
    session.emitRun('baseline', 'baseline test run', session.baseline);
    if (session.mode === 'repair' && isGreen(session.baseline)) {
      throw new StopRun({
        reason: 'nothing_to_fix',
        detail: `the tests already pass (${session.baseline.report.passed} passed)`,
      });
    }
    const { report } = session.baseline;
    const missing =
      report.failures.length === 0 && report.passed === 0 ? missingProgram(session.baseline) : null;
    if (missing && !isGreen(session.baseline)) {
      throw new StopRun({
        reason: 'setup_needed',
        detail: missingProgramDetail(missing, options.testCommand, options.setupCommand),
      });
    }
    let current = session.baseline;
    if (session.mode === 'repair') current = await runFixers(session, current);
    final = current;
    if (!(session.mode === 'repair' && session.accepted(current))) {
      const absent = missingPackage(current);
      if (!options.model && absent) {
        throw new StopRun({
          reason: 'setup_needed',
          detail: missingPackageDetail(
            absent,
            options.setupCommand,
            (await ownModulePath(workspace, absent)) ?? undefined,
          ),
        });
      }
      if (!options.model) {
        throw new StopRun({
          reason: 'no_progress',
          detail: `the deterministic fixers found nothing more to fix (${failingTests(current).length} still failing) and no model is configured`,
        });
      }
      current = await runModelTurns(session, options.model, current, [...session.rootCauses]);
      final = current;
    }
    const originallyFailing = session.mode === 'issue' ? session.reproTests : failingTests(session.baseline);
    const proof = await proveFix(session, originallyFailing, options.proofRuns ?? 3);
    flaky = proof.flaky;
    final = proof.final ?? current;
    if (session.scoring) scoreValue = await session.score(final, { full: true });
    stop = proof.dropped
      ? { reason: 'tests_dropped', detail: `looked green, but ${proof.dropped}` }
      : proof.ok
        ? { reason: 'green', detail: `all tests pass; ${proof.detail}` }
        : { reason: 'flaky', detail: `looked green once, but ${proof.detail}` };
  } catch (error) {
    if (error instanceof StopRun) stop = error.info;
    else stop = { reason: 'error', detail: error instanceof Error ? error.message : String(error) };
  }
  const edits = workspace.edits();
  const spent = budget.spent();
  const rootCause = session.rootCauses.length > 0 ? session.rootCauses.join('; ') : undefined;
  const diff = diffOfEdits(edits);
  session.emit('stop', stop.detail, {
    stop,
    files: edits.map((e) => e.path),
    diff,
    rootCause,
    flaky: flaky.length > 0 ? flaky : undefined,
    score: scoreValue ? { value: scoreValue.value, parts: scoreValue.parts } : undefined,
    totals: {
      iterations: spent.iterations,
      tokens: spent.tokens,
      costUsd: spent.costUsd,
      wallTimeMs: session.elapsedMs(),
      modelId: options.model?.id,
    },
  });
  return {
    success: stop.reason === 'green',
    stop,
    edits,
    diff,
    iterations: spent.iterations,
    baseline: session.baseline,
    final,
    score: scoreValue,
    flaky,
    rootCause,
  };
}
