import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { registerCommands } from './commands/index.js';
import { EnvError } from '../config/index.js';

/** Exit codes of the CLI contract: 0 success, 1 the work failed, 2 bad input. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error caused by the user's input: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function buildProgram(): Command {
  const program = new Command('mimo')
    .description('Repairs failing tests in a sandbox with a model-agnostic agent loop.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError(true)
    .exitOverride();
  registerCommands(program);
  for (const sub of program.commands) sub.exitOverride().showHelpAfterError(true);
  return program;
}

/** Runs the CLI and returns the process exit code instead of exiting, so it can be tested in-process. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code))
        return EXIT_OK;
      if (error.code === 'commander.executeSubCommandAsync') return error.exitCode;
      return EXIT_USAGE;
    }
    // A malformed environment variable is the operator's to fix, like a bad flag: the message names it.
    if (error instanceof UsageError || error instanceof EnvError) {
      process.stderr.write(`mimo: ${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`mimo: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}
