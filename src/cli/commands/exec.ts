import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig, readEnv, withOperatorRuntime } from '../../config/index.js';
import { ImageMissingError, policyFromConfig, runnerImageName, runSandboxed } from '../../sandbox/index.js';
import { preserveOwnership } from '../ownership.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../program.js';

interface ExecFlags {
  repo: string;
  network?: boolean;
  timeout?: string;
  image?: string;
  env: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--env NAME=VALUE` flags as an environment; the host's own environment never enters the sandbox. */
function envOf(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--env ${pair}: expected NAME=VALUE`);
    env[name] = pair.slice(eq + 1);
  }
  return env;
}

function timeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new UsageError(`--timeout ${value}: expected seconds > 0`);
  return Math.round(seconds * 1000);
}

/**
 * `mimo exec --repo DIR [--network] [--timeout SECONDS] [--image NAME] [--env NAME=VALUE]… -- CMD…`: runs one command in the sandbox
 * the agent uses (same policy, from the repo's .github/mimo.yml) and prints its ExecResult as one JSON object.
 * One operand is a shell command line (`sh -c`); several are an argv.
 */
export function register(program: Command): void {
  program
    .command('exec')
    .description('run a command in the locked-down sandbox on a repository and print the result as JSON')
    .requiredOption(
      '--repo <dir>',
      'workspace directory, copied into the sandbox at /workspace (never written)',
    )
    .option('--network', 'connect the container to a network for this command (default: no network)')
    .option('--timeout <seconds>', 'wall-clock limit; the whole process tree is killed when it expires')
    .option('--image <name>', 'image the engine has (default: .github/mimo.yml `image:` or the mimo runner)')
    .option(
      '--env <NAME=VALUE>',
      'environment variable for the command (repeatable; nothing else is passed)',
      collect,
      [],
    )
    .argument('<command...>', 'command line (one operand, run by sh -c) or argv (several operands)')
    .action(async (command: string[], flags: ExecFlags) => {
      const repo = resolve(flags.repo);
      if (!existsSync(repo) || !statSync(repo).isDirectory()) {
        throw new UsageError(`--repo ${flags.repo}: no such directory`);
      }
      const timeout = timeoutMs(flags.timeout);
      const env = envOf(flags.env);
      let config;
      try {
        config = await loadConfig(repo);
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      // The operator's MIMO_SANDBOX_RUNTIME=runsc holds whatever the repository asks for.
      const policy = policyFromConfig(withOperatorRuntime(config, readEnv().ceilings.runtime));
      if (flags.network) policy.allowSetupNetwork = true;
      const image = flags.image ?? config.image ?? runnerImageName();
      // As root on a root-owned DIR the sandbox hands the tree to its fallback uid: put owners and modes back after.
      const ownership = await preserveOwnership(repo);
      const stop = new AbortController();
      const interrupted = () => stop.abort(new Error('interrupted'));
      process.once('SIGINT', interrupted);
      process.once('SIGTERM', interrupted);
      try {
        const result = await runSandboxed({ workspace: repo, image, policy }, async ({ sandbox }) => {
          if (flags.network) await sandbox.setNetwork(true);
          return sandbox.exec(command.length === 1 ? command[0]! : command, {
            timeoutMs: timeout,
            env,
            signal: stop.signal,
          });
        }).catch((error: unknown) => {
          if (stop.signal.aborted) {
            // the sandbox is disposed already
            void ownership.restore().finally(() => process.exit(130));
            return new Promise<never>(() => undefined);
          }
          throw error instanceof ImageMissingError ? new UsageError(error.message) : error;
        });
        process.stdout.write(`${JSON.stringify(result)}\n`);
        process.exitCode = result.exitCode === 0 && !result.timedOut ? EXIT_OK : EXIT_FAILED;
      } finally {
        process.off('SIGINT', interrupted);
        process.off('SIGTERM', interrupted);
        await ownership.restore();
      }
    });
}
