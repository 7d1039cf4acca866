import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  applyCeilings,
  ConfigError,
  EnvError,
  resolveCeilings,
  readEnv,
  describeClamp,
  detectTestCommand,
  inferSetup,
  loadConfig,
  type MimoConfig,
} from '../../config/index.js';
import { applyEdits, EditConflictError, repoPathResolver, UnsafeEditPathError } from '../../git/index.js';
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
import { ImageMissingError, policyFromConfig, runSandboxed } from '../../sandbox/index.js';
import type { FileEdit } from '../../tools/index.js';
import { imageFor } from '../image-choice.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../program.js';

interface FixFlags {
  repo: string;
  test?: string;
  model?: string;
  maxIterations?: string;
  log?: string;
}

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

/** The config and turn limit under the operator's ceilings (MIMO_MAX_* in this process's environment). */
function ceiled(config: MimoConfig, iterations: number | undefined) {
  try {
    return applyCeilings(config, resolveCeilings(readEnv().ceilings), iterations);
  } catch (error) {
    if (error instanceof EnvError) throw new UsageError(error.message);
    throw error;
  }
}

function modelOf(spec: string): Model | null {
  try {
    return createModel(spec, { env: readEnv().models });
  } catch (error) {
    if (error instanceof ModelConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Applies the recorded edits (and only those) to the user's repository as exact replacements checked against what
 * each was made on, never copying the sandbox's file; `.git` and symlinked paths are refused, and a conflict or a
 * refused path writes nothing (applyEdits in git/).
 */
export async function writeBack(repo: string, edits: FileEdit[]): Promise<void> {
  try {
    await applyEdits(repo, edits);
  } catch (error) {
    if (error instanceof EditConflictError || error instanceof UnsafeEditPathError) {
      throw new WriteBackError(`the fix was not written back to ${repo}: ${error.message}`);
    }
    throw error;
  }
}

/** The write-back was refused (a conflict with the user's files, or a path that may not be written). */
export class WriteBackError extends Error {
  override name = 'WriteBackError';
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
      const asked = positiveInt('--max-iterations', flags.maxIterations);
      const { config, clamped, iterations: maxIterations } = ceiled(await configOf(repo), asked);
      for (const c of clamped) process.stderr.write(`[limits] ${describeClamp(c)}\n`);
      const model = modelOf(flags.model ?? readEnv().defaultModel ?? config.model.spec);
      let testCommand = flags.test ?? config.test;
      if (!testCommand) {
        const detected = await detectTestCommand(repo);
        if (!detected.ok) throw new UsageError(detected.message);
        testCommand = detected.command;
      }
      const logPath = resolve(flags.log ?? join(repo, '.mimo', 'log.jsonl'));
      const image = await imageFor(config.image, testCommand);

      const stop = new AbortController();
      const interrupted = () => stop.abort();
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      try {
        const budget = budgetFromLimits(config.limits, maxIterations);
        const progress: Reporter = {
          event: (e) => {
            const line = renderProgress(e);
            if (line) process.stderr.write(`${line}\n`);
          },
        };
        // No `setup:`: the install step the repository's files imply (lockfile, manifests), as the app does.
        const inferred = config.setup ? null : await inferSetup(repo);
        const setupCommand = config.setup ?? inferred?.command;
        if (inferred)
          process.stderr.write(
            `[setup] inferred (no \`setup:\` in .github/mimo.yml): ${inferred.reasons.join('; ')}\n[setup] ${inferred.command}${config.network.setup ? ' (network on)' : ''}\n`,
          );
        const memory = new MemoryLog();
        const reporter = fanOut(new JsonlLog(logPath), progress, memory);
        const result = await runSandboxed(
          {
            workspace: repo,
            image,
            policy: policyFromConfig(config),
            ...(setupCommand
              ? {
                  setup: {
                    command: setupCommand,
                    network: config.network.setup,
                    timeoutMs: config.limits.commandTimeoutSeconds * 1000,
                  },
                }
              : {}),
            reporter,
            signal: stop.signal,
          },
          ({ sandbox, workspace, setup }) => {
            if (setup && setup.exitCode !== 0)
              process.stderr.write(
                `[setup] its last lines:\n${setup.output.trim().split('\n').slice(-10).join('\n')}\n`,
              );
            return runRepair({
              sandbox,
              workspace,
              testCommand,
              model: model ? withBudget(model, budget) : null,
              budget,
              analyzer: defaultAnalyzer({ fallbackRunner: runnerHint(testCommand) }),
              reporter,
              paths: config.paths,
              // The guard judges where an edit lands in the user's tree, not how it is spelled.
              resolvePath: repoPathResolver([repo]),
              signal: stop.signal,
              commandTimeoutMs: config.limits.commandTimeoutSeconds * 1000,
              allowNetwork: config.network.setup,
              ...(setupCommand ? { setupCommand } : {}),
            });
          },
        ).catch((error: unknown) => {
          throw error instanceof ImageMissingError ? new UsageError(error.message) : error;
        });
        let wroteBack = result.success && result.edits.length > 0;
        let refused: string | undefined;
        if (wroteBack) {
          refused = await writeBack(repo, result.edits).then(
            () => undefined,
            (error: unknown) => {
              if (error instanceof WriteBackError) return error.message;
              throw error;
            },
          );
          wroteBack = refused === undefined;
        }
        process.stderr.write(`\n${renderSummary(memory.events)}\n`);
        if (wroteBack) process.stderr.write(`Wrote ${result.edits.length} file(s) back to ${repo}.\n`);
        if (refused) process.stderr.write(`mimo: ${refused}\n`);
        process.stdout.write(`${JSON.stringify(resultJson(result, wroteBack, logPath))}\n`);
        const passed = (result.success && !refused) || result.stop.reason === 'nothing_to_fix';
        process.exitCode = passed ? EXIT_OK : EXIT_FAILED;
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
      }
    });
}
