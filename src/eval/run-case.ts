import { join } from 'node:path';
import { applyCeilings, ConfigError, loadConfig, type Ceilings, type MimoConfig } from '../config/index.js';
import { withBudget, type Model } from '../models/index.js';
import {
  Budget,
  budgetFromLimits,
  fanOut,
  JsonlLog,
  MemoryLog,
  type IterationEvent,
  type RepairResult,
} from '../repair/index.js';
import { EngineUnreachableError, engineError, ImageMissingError, runnerImageName } from '../sandbox/index.js';
import { freshCopy, removeCopy } from './copy.js';
import { diffOf } from './patch.js';
import { runCase, type SandboxRunner } from './sandboxed.js';
import { ablationOf, type CaseResult, type EvalCase, type EvalSettings, type Verification } from './types.js';
import { verifyCase } from './verify.js';

export interface CaseContext {
  settings: EvalSettings;
  /** A fresh model for each case (a scripted replay keeps its place in the script). */
  modelFor(c: EvalCase): Model | null;
  /** The sandboxed run (default in the CLI: `sandbox/run.ts`'s `runSandboxed`). */
  run: SandboxRunner;
  signal: AbortSignal;
  /** Folder of the per-case iteration logs (`ID.jsonl`). */
  logDir: string;
  /**
   * The operator's ceilings (MIMO_MAX_*, MIMO_SANDBOX_RUNTIME), applied to every case's config as `mimo fix` applies
   * them: sizes and turns at most the ceiling, the runtime at least the operator's runsc.
   */
  ceilings: Ceilings;
}

function budgetOf(config: MimoConfig, settings: EvalSettings, iterations: number | undefined): Budget {
  const budget = budgetFromLimits(config.limits, iterations);
  if (settings.timeoutSeconds === undefined) return budget;
  return new Budget({ ...budget.limits, maxWallTimeMs: settings.timeoutSeconds * 1000 });
}

/** Time of the test commands in a run's log (the setup, logged as a `start` event with a command, is not one). */
const testTime = (events: IterationEvent[]) =>
  events.reduce(
    (ms, e) => ms + (e.command !== undefined && e.phase !== 'start' ? (e.durationMs ?? 0) : 0),
    0,
  );

const NOT_VERIFIED: Verification = {
  resolved: false,
  applied: false,
  detail: 'not verified: the run failed before producing a diff',
  testMs: 0,
};

/**
 * One case, end to end: its config and budget, a copy, the sandboxed run (as `mimo fix`), then the verification of
 * the run's diff on a fresh copy in a fresh sandbox. Returns undefined when the evaluation was interrupted (the case
 * is then left out of results.jsonl, so `--resume` runs it again); throws ImageMissingError or
 * EngineUnreachableError, which no case can get past.
 */
export async function evaluateCase(c: EvalCase, ctx: CaseContext): Promise<CaseResult | undefined> {
  const started = Date.now();
  const logPath = join(ctx.logDir, `${c.id}.jsonl`);
  const memory = new MemoryLog();
  const base = { id: c.id, log: logPath };
  const failed = (detail: string): CaseResult => ({
    ...base,
    resolved: false,
    claimed: false,
    stop: { reason: 'error', detail },
    iterations: 0,
    tokens: 0,
    costUsd: 0,
    wallMs: Date.now() - started,
    testMs: testTime(memory.events),
    diff: '',
    files: [],
    verification: NOT_VERIFIED,
  });
  let ceiled: ReturnType<typeof applyCeilings>;
  try {
    ceiled = applyCeilings(await loadConfig(c.repo), ctx.ceilings, ctx.settings.maxIterations);
  } catch (error) {
    if (error instanceof ConfigError) return failed(error.message);
    throw error;
  }
  const { config } = ceiled;
  const image = c.image ?? config.image ?? ctx.settings.image ?? runnerImageName();
  const budget = budgetOf(config, ctx.settings, ceiled.iterations);
  let copy: string | undefined;
  let result: RepairResult;
  try {
    const model = ctx.modelFor(c);
    copy = await freshCopy(c, 'run');
    result = await runCase({
      repo: c.repo,
      copy,
      image,
      config,
      testCommand: c.test,
      setup: c.setup ?? config.setup,
      model: model ? withBudget(model, budget) : null,
      budget,
      reporter: fanOut(new JsonlLog(logPath), memory),
      signal: ctx.signal,
      ablation: ablationOf(ctx.settings),
      proofRuns: ctx.settings.proofRuns,
      run: ctx.run,
    });
  } catch (error) {
    if (ctx.signal.aborted) return undefined;
    // No case can run without the engine or its image: the whole evaluation stops (nothing is recorded).
    if (stopsEvaluation(error)) throw engineError(error);
    return failed(error instanceof Error ? error.message : String(error));
  } finally {
    if (copy) await removeCopy(copy);
  }
  if (ctx.signal.aborted || result.stop.reason === 'aborted') return undefined;
  const diff = diffOf(result.edits);
  let verification: Verification;
  try {
    verification = await verifyCase(c, diff, { config, image, run: ctx.run, signal: ctx.signal });
  } catch (error) {
    if (ctx.signal.aborted) return undefined;
    if (stopsEvaluation(error)) throw engineError(error);
    verification = {
      resolved: false,
      applied: false,
      detail: `the verification failed: ${error instanceof Error ? error.message : String(error)}`,
      testMs: 0,
    };
  }
  const spent = budget.spent();
  return {
    ...base,
    resolved: verification.resolved,
    claimed: result.success,
    stop: result.stop,
    iterations: result.iterations,
    tokens: spent.tokens,
    costUsd: spent.costUsd,
    wallMs: Date.now() - started,
    testMs: testTime(memory.events) + verification.testMs,
    diff,
    files: result.edits.map((e) => e.path),
    verification,
  };
}

/** No case can run without the engine or its image (a connection that failed mid-case included). */
function stopsEvaluation(error: unknown): boolean {
  const typed = engineError(error);
  return typed instanceof ImageMissingError || typed instanceof EngineUnreachableError;
}
