import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ConfigError,
  detectTestCommand,
  inferSetup,
  loadConfig,
  readEnv,
  withOperatorRuntime,
} from '../../config/index.js';
import { changedLinesFromDiff, localizeRepo, type LocalizeResult } from '../../localize/index.js';
import {
  ImageMissingError,
  EngineUnreachableError,
  policyFromConfig,
  runSandboxed,
} from '../../sandbox/index.js';
import { imageFor } from '../image-choice.js';
import { EXIT_FAILED, UsageError } from '../program.js';

interface LocalizeFlags {
  repo: string;
  test?: string;
  base?: string;
  limit?: string;
}

/** Lines changed in DIR: against `base` when given, else the uncommitted changes; none outside a git repo. */
export function changedLines(repo: string, base?: string): Record<string, number[]> {
  if (!existsSync(join(repo, '.git'))) return {};
  try {
    const diff = execFileSync(
      'git',
      [
        '-c',
        'core.fsmonitor=false',
        '-c',
        'core.hooksPath=/dev/null',
        'diff',
        '--no-ext-diff',
        '--no-textconv',
        '-U0',
        base ?? 'HEAD',
        '--',
      ],
      { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return changedLinesFromDiff(diff);
  } catch {
    return {};
  }
}

/** Why a ranking is empty, in words a user can act on. */
export function emptyReason(result: LocalizeResult, testCommand: string): string {
  if (result.failures === 0 && result.passed > 0)
    return `the tests pass (${result.passed} passed): there is no failure to localize`;
  if (result.failures === 0)
    return `\`${testCommand}\` ran no test that mimo could read (no passed or failed test in its output); check \`test:\` and \`setup:\` in .github/mimo.yml`;
  return `${result.failures} test(s) failed, but no failure named a line of the repository and no coverage was collected (${result.notes.join('; ')})`;
}

/**
 * `mimo localize --repo DIR [--test CMD]`: runs the tests on a copy of DIR in the Docker sandbox, with per-test
 * coverage where the runner can give it, and prints `[{file, line, score}]` ranked most suspicious first.
 */
export function register(program: Command): void {
  program
    .command('localize')
    .description('rank the lines most likely to cause the failing tests (JSON list of {file, line, score})')
    .requiredOption('--repo <dir>', 'repository directory')
    .option(
      '--test <cmd>',
      'test command (default: .github/mimo.yml `test:` or detected from the repository)',
    )
    .option('--base <ref>', 'git ref the change is measured against (default: uncommitted changes vs HEAD)')
    .option('--limit <n>', 'most suspects printed', '20')
    .action(async (flags: LocalizeFlags) => {
      const repo = resolve(flags.repo);
      if (!existsSync(repo) || !statSync(repo).isDirectory())
        throw new UsageError(`--repo ${flags.repo}: no such directory`);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit <= 0)
        throw new UsageError(`--limit ${flags.limit}: expected a positive integer`);
      let config;
      try {
        config = await loadConfig(repo);
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      let testCommand = flags.test ?? config.test;
      if (!testCommand) {
        const detected = await detectTestCommand(repo);
        if (!detected.ok) throw new UsageError(detected.message);
        testCommand = detected.command;
      }
      const changed = changedLines(repo, flags.base);
      const timeoutMs = config.limits.commandTimeoutSeconds * 1000;
      // The same install step as `mimo fix`: configured, else inferred from the repository's files.
      const setup = config.setup ?? (await inferSetup(repo))?.command;
      if (setup)
        process.stderr.write(`mimo: setup \`${setup}\`${config.network.setup ? ' (network on)' : ''}…\n`);
      const result = await runSandboxed(
        {
          workspace: repo,
          image: await imageFor(config.image, testCommand),
          policy: policyFromConfig(withOperatorRuntime(config, readEnv().ceilings.runtime)),
          ...(setup ? { setup: { command: setup, network: config.network.setup, timeoutMs } } : {}),
        },
        ({ sandbox, setup: ran }) => {
          if (ran && ran.exitCode !== 0)
            process.stderr.write(
              `mimo: setup exited ${ran.exitCode}:\n${ran.output.trim().split('\n').slice(-10).join('\n')}\n`,
            );
          process.stderr.write(`mimo: running ${testCommand} in the sandbox…\n`);
          return localizeRepo({ sandbox, testCommand, changedLines: changed, limit, timeoutMs });
        },
      ).catch((error: unknown) => {
        throw error instanceof ImageMissingError || error instanceof EngineUnreachableError
          ? new UsageError(error.message)
          : error;
      });
      process.stderr.write(`mimo: evidence: ${result.plan}; ${result.notes.join('; ')}\n`);
      if (result.suspects.length === 0) {
        process.stderr.write(`mimo: no suspects: ${emptyReason(result, testCommand)}\n`);
        process.exitCode = EXIT_FAILED;
      }
      process.stdout.write(`${JSON.stringify(result.suspects)}\n`);
    });
}
