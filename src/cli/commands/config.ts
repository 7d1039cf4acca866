import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, detectTestCommand, loadConfig } from '../../config/index.js';
import { EXIT_FAILED, UsageError } from '../program.js';

/** `mimo config --repo DIR`: the effective `.github/mimo.yml` (defaults filled in) and the test command used. */
export function register(program: Command): void {
  program
    .command('config')
    .description(
      'validate .github/mimo.yml of a repository and print the effective config and test command as JSON',
    )
    .option('--repo <dir>', 'repository directory', '.')
    .action(async (options: { repo: string }) => {
      const repo = resolve(options.repo);
      if (!existsSync(repo) || !statSync(repo).isDirectory())
        throw new UsageError(`--repo ${options.repo}: no such directory`);
      try {
        const config = await loadConfig(repo);
        const detected = config.test
          ? { ok: true, command: config.test, runner: 'unknown', reason: 'test: in .github/mimo.yml' }
          : await detectTestCommand(repo);
        process.stdout.write(`${JSON.stringify({ config, test: detected }, null, 2)}\n`);
        if (!detected.ok) process.exitCode = EXIT_FAILED;
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
    });
}
