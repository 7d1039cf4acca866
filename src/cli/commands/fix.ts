import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  ConfigError,
  detectTestCommand,
  inferSetup,
  loadConfig,
  type MimoConfig,
} from '../../config/index.js';
import { createModel, ModelConfigError, withBudget, type Model } from '../../models/index.js';
import {
  budgetFromLimits,
  defaultAnalyzer,
  runnerHint,
  fanOut,
  JsonlLog,
  renderProgress,
  renderSummary,
  runRepair,
  MemoryLog,
  type RepairResult,
  type Reporter,
} from '../../repair/index.js';
import {
  ImageMissingError,
  openDockerSandbox,
  policyFromConfig,
  runnerImageName,
} from '../../sandbox/index.js';
import { Workspace, type FileEdit } from '../../tools/index.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../program.js';

interface FixFlags {
  repo: string;
  test?: string;
  model?: string;
  maxIterations?: string;
  log?: string;
}

/** Folders not copied into the sandbox workspace: VCS metadata (the container never sees `.git`) and our logs. */
const NOT_COPIED = new Set(['.git', '.mimo']);

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} ${value}: expected a whole number ≥ 1`);
  return n;
}

async function configOf(repo: string): Promise<MimoConfig> {
  try {
    return await loadConfig(repo);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function modelOf(spec: string): Model | null {
  try {
    return createModel(spec, { env: process.env });
  } catch (error) {
    if (error instanceof ModelConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Writes the recorded edits (and only those) from the sandbox copy back into the user's repository. */
export async function writeBack(repo: string, edits: FileEdit[]): Promise<void> {
  const target = await Workspace.open(repo);
  for (const edit of edits) {
    if (edit.after === null) await target.remove(edit.path);
    else await target.write(edit.path, edit.after);
  }
}

/** The JSON printed on stdout: the outcome in a shape scripts can rely on. */
function resultJson(result: RepairResult, wroteBack: boolean, logPath: string) {
  return {
    success: result.success,
    testsPass: result.success || result.stop.reason === 'nothing_to_fix',
    stop: result.stop,
    iterations: result.iterations,
    files: result.edits.map((e) => e.path),
    wroteBack,
    rootCause: result.rootCause ?? null,
    flaky: result.flaky,
    score: result.score ? { value: result.score.value, parts: result.score.parts } : null,
    log: logPath,
  };
}

/**
 * `mimo fix --repo DIR [--test CMD] [--model SPEC] [--max-iterations N] [--log FILE]`: repairs DIR in a sandbox copy;
 * writes back only on success and only the edits of the tools and fixers; exit 0 when the tests pass at the end,
 * 1 when not, 2 on bad input. Progress per iteration on stderr, the JSONL iteration log in --log.
 */
export function register(program: Command): void {
  program
    .command('fix')
    .description('repair the failing tests of a local repository in the sandbox, then write the fix back')
    .requiredOption('--repo <dir>', 'repository directory (worked on in a sandbox copy)')
    .option(
      '--test <cmd>',
      'test command (default: .github/mimo.yml `test:` or detected from the repository)',
    )
    .option(
      '--model <spec>',
      'scripted:FILE | openai:MODEL | anthropic:MODEL | openai-compatible:URL#MODEL | none',
    )
    .option('--max-iterations <n>', 'model turns after the deterministic fixers (default: the config, 8)')
    .option('--log <file>', 'JSONL iteration log (default: DIR/.mimo/log.jsonl)')
    .action(async (flags: FixFlags) => {
      const repo = resolve(flags.repo);
      if (!existsSync(repo) || !statSync(repo).isDirectory())
        throw new UsageError(`--repo ${flags.repo}: no such directory`);
      const maxIterations = positiveInt('--max-iterations', flags.maxIterations);
      const config = await configOf(repo);
      const model = modelOf(flags.model ?? process.env.MIMO_MODEL ?? config.model.spec);
      let testCommand = flags.test ?? config.test;
      if (!testCommand) {
        const detected = await detectTestCommand(repo);
        if (!detected.ok) throw new UsageError(detected.message);
        testCommand = detected.command;
      }
      const inferred = config.setup ? null : await inferSetup(repo);
      const logPath = resolve(flags.log ?? join(repo, '.mimo', 'log.jsonl'));
      const image = config.image ?? runnerImageName();

      const copy = await mkdtemp(join(tmpdir(), `mimo-fix-${basename(repo)}-`));
      const stop = new AbortController();
      const interrupted = () => stop.abort();
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      let sandbox;
      try {
        await cp(repo, copy, {
          recursive: true,
          verbatimSymlinks: true,
          filter: (src) => !NOT_COPIED.has(basename(src)) || src === repo,
        });
        sandbox = await openDockerSandbox({ workspace: copy, image, policy: policyFromConfig(config) }).catch(
          (error: unknown) => {
            throw error instanceof ImageMissingError ? new UsageError(error.message) : error;
          },
        );
        const budget = budgetFromLimits(config.limits, maxIterations);
        const progress: Reporter = {
          event: (e) => {
            const line = renderProgress(e);
            if (line) process.stderr.write(`${line}\n`);
          },
        };
        const memory = new MemoryLog();
        const reporter = fanOut(new JsonlLog(logPath), progress, memory);
        const setupCommand = config.setup ?? inferred?.command;
        if (setupCommand) {
          const network = config.network.setup;
          if (!config.setup && inferred)
            process.stderr.write(
              `[setup] inferred (no \`setup:\` in .github/mimo.yml): ${inferred.reasons.join('; ')}\n`,
            );
          process.stderr.write(`[setup] ${setupCommand}${network ? ' (network on)' : ''}\n`);
          if (network) await sandbox.setNetwork(true);
          const setup = await sandbox
            .exec(setupCommand, {
              signal: stop.signal,
              timeoutMs: config.limits.commandTimeoutSeconds * 1000,
            })
            .finally(async () => {
              if (network) await sandbox!.setNetwork(false);
            });
          if (setup.exitCode !== 0)
            process.stderr.write(
              `[setup] exited with code ${setup.exitCode}\n${(setup.stdout + setup.stderr).trim().split('\n').slice(-10).join('\n')}\n`,
            );
        }
        const result = await runRepair({
          sandbox,
          workspace: await Workspace.open(copy),
          testCommand,
          model: model ? withBudget(model, budget) : null,
          budget,
          analyzer: defaultAnalyzer({ fallbackRunner: runnerHint(testCommand) }),
          reporter,
          paths: config.paths,
          signal: stop.signal,
          commandTimeoutMs: config.limits.commandTimeoutSeconds * 1000,
          allowNetwork: config.network.setup,
          ...(setupCommand ? { setupCommand } : {}),
        });
        const wroteBack = result.success && result.edits.length > 0;
        if (wroteBack) await writeBack(repo, result.edits);
        process.stderr.write(`\n${renderSummary(memory.events)}\n`);
        if (wroteBack) process.stderr.write(`Wrote ${result.edits.length} file(s) back to ${repo}.\n`);
        process.stdout.write(`${JSON.stringify(resultJson(result, wroteBack, logPath))}\n`);
        process.exitCode = result.success || result.stop.reason === 'nothing_to_fix' ? EXIT_OK : EXIT_FAILED;
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
        await sandbox?.dispose();
        await rm(copy, { recursive: true, force: true });
      }
    });
}
