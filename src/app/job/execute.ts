import { join } from 'node:path';
import { createModel, withBudget } from '../../models/index.js';
import {
  budgetFromLimits,
  JsonlLog,
  MemoryLog,
  fanOut,
  runRepair,
  type Reporter,
  type RepairResult,
} from '../../repair/index.js';
import {
  assertEngineReachable,
  dockerClient,
  ensureRunnerImage,
  imageExists,
  policyFromConfig,
  runSandboxed,
  type PoolOpen,
  type WarmPool,
} from '../../sandbox/index.js';
import type { Workspace } from '../../tools/index.js';
import { applyEdits, repoPathResolver } from '../../git/index.js';
import { defaultAnalyzer, runnerHint } from '../../repair/index.js';
import { parseTestOutput, renderFeedback } from '../../feedback/index.js';
import { JobSetupError, type PreparedJob } from './prepare.js';

export interface ExecutedRepair {
  result: RepairResult;
  log: MemoryLog;
  logPath: string;
  workspace: Workspace;
  setup?: { command: string; exitCode: number; output: string };
}

/** The image named by the config, else the CI job's container when this engine has it, else the runner image. */
async function chooseImage(job: PreparedJob): Promise<string | undefined> {
  if (job.config.image) return job.config.image;
  if (job.image) {
    const docker = dockerClient();
    await assertEngineReachable(docker);
    if (await imageExists(docker, job.image)) return job.image;
  }
  return undefined;
}

/**
 * What CI saw, parsed from the downloaded job logs: logged so the run shows what it started from, and rendered
 * (compact, token-budgeted) for the model's first prompt.
 */
function reportCiSeed(job: PreparedJob, reporter: Reporter): string | undefined {
  const rendered: string[] = [];
  for (const log of job.ciLogs) {
    const report = parseTestOutput(log.log);
    if (report.failures.length > 0)
      rendered.push(`CI job "${log.name}":\n${renderFeedback(report, { tokenBudget: 600 })}`);
    reporter.event({
      ts: new Date().toISOString(),
      iteration: 0,
      phase: 'start',
      message: `CI job "${log.name}" failed: ${report.failed} failing test(s) parsed from its log (${report.runner})`,
      failures: {
        passed: report.passed,
        failed: report.failed,
        skipped: report.skipped,
        tests: report.failures.map((f) => f.test).slice(0, 50),
      },
    });
  }
  return rendered.length > 0 ? rendered.join('\n\n') : undefined;
}

/**
 * Runs the repair loop on a prepared job in a fresh sandbox. The model key is read from the app's environment and
 * stays in this process; the sandbox gets no environment of ours.
 */
export async function executeRepair(
  job: PreparedJob,
  options: {
    env: Record<string, string | undefined>;
    signal: AbortSignal;
    reporter?: Reporter;
    mode: 'repair' | 'issue';
    issue?: { title: string; body: string };
    instructions?: string;
    jobId: string;
    /** Told whether the sandbox opened (for the `mimo_sandbox_opens_total` metric). */
    onSandbox?: (outcome: 'opened' | 'failed') => void;
    /** Where started sandboxes wait for jobs (MIMO_SANDBOX_POOL). */
    pool?: WarmPool;
    /** Told whether the sandbox came warm from the pool or was opened cold. */
    onOpen?: (how: PoolOpen) => void;
    /** Progress of the runner image build when this engine does not have it yet (first job only). */
    onImageProgress?: (progress: { image: string; message: string }) => void;
  },
): Promise<ExecutedRepair> {
  const { config } = job;
  if (config.model.provider === 'scripted') {
    throw new JobSetupError(
      '`model: scripted:…` replays a file from the machine running the app; the app takes it only from its own MIMO_MODEL setting, never from a repository.',
    );
  }
  const budget = budgetFromLimits(config.limits);
  const spec =
    config.model.provider === 'none' && options.env.MIMO_MODEL ? options.env.MIMO_MODEL : config.model.spec;
  const model = createModel(spec, { env: options.env });
  const log = new MemoryLog();
  const logPath = join(job.dir, '..', 'log.jsonl');
  const reporter = fanOut(log, new JsonlLog(logPath), options.reporter);
  const image = await chooseImage(job);
  if (!image) await ensureRunnerImage(options.onImageProgress);
  const ci = reportCiSeed(job, reporter);
  let opened = false;
  return runSandboxed(
    {
      workspace: job.dir,
      ...(image ? { image } : {}),
      policy: policyFromConfig(config),
      labels: { 'mimo.job': options.jobId },
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.onOpen ? { onOpen: options.onOpen } : {}),
      ...(job.setupCommand
        ? {
            setup: {
              command: job.setupCommand,
              network: config.network.setup,
              timeoutMs: config.limits.commandTimeoutSeconds * 1000,
            },
          }
        : {}),
      reporter,
      signal: options.signal,
    },
    async ({ sandbox, workspace, setup }) => {
      opened = true;
      options.onSandbox?.('opened');
      const result = await runRepair({
        sandbox,
        workspace,
        testCommand: job.testCommand,
        model: model ? withBudget(model, budget) : null,
        budget,
        analyzer: defaultAnalyzer({ fallbackRunner: runnerHint(job.testCommand) }),
        reporter,
        paths: config.paths,
        // The guard judges where an edit lands in the cloned tree (a repository symlink into .github is refused).
        resolvePath: repoPathResolver([job.dir]),
        mode: options.mode,
        ...(options.issue ? { issue: options.issue } : {}),
        hints: {
          ...(ci ? { ci } : {}),
          ...(options.instructions ? { instructions: options.instructions } : {}),
        },
        signal: options.signal,
        commandTimeoutMs: config.limits.commandTimeoutSeconds * 1000,
        ...(job.setupCommand ? { setupCommand: job.setupCommand } : {}),
      });
      // The clone is the source of truth for git: it receives the recorded edits, nothing the sandbox wrote.
      await applyEdits(job.dir, result.edits);
      return {
        result,
        log,
        logPath,
        workspace,
        ...(setup
          ? { setup: { command: setup.command, exitCode: setup.exitCode, output: setup.output } }
          : {}),
      };
    },
  ).catch((error: unknown) => {
    if (!opened) options.onSandbox?.('failed');
    throw error;
  });
}
