import type { Command } from 'commander';
import { createReadStream, existsSync, statSync } from 'node:fs';
import {
  FeedbackStream,
  renderFeedback,
  resolveRunner,
  UnknownRunnerError,
  DEFAULT_TOKEN_BUDGET,
} from '../../feedback/index.js';
import { UsageError } from '../program.js';
import { sourceReader } from '../source-reader.js';

interface ParseFlags {
  runner?: string;
  render?: boolean;
  tokens?: string;
  source?: boolean;
}

/**
 * `mimo parse [--runner NAME] [FILE|-]`: a test runner's output (file or stdin) → the TestReport JSON of the CLI
 * contract on stdout. The input is streamed line by line, so logs of any size use constant memory.
 * `--render` prints the compact text the model sees instead.
 */
export function register(program: Command): void {
  program
    .command('parse')
    .description("parse a test runner's output into a JSON report of its failures")
    .option('--runner <name>', 'runner that produced the output (default: detected from the text)')
    .option('--render', 'print the compact text given to the model instead of JSON')
    .option('--tokens <n>', `token budget of --render (default ${DEFAULT_TOKEN_BUDGET})`)
    .option('--no-source', 'do not read test files in the current directory for declaration lines')
    .argument('[file]', "file to read, or - for standard input (default: '-')", '-')
    .action(async (file: string, flags: ParseFlags) => {
      if (flags.runner) {
        try {
          resolveRunner(flags.runner);
        } catch (error) {
          if (error instanceof UnknownRunnerError) throw new UsageError(error.message);
          throw error;
        }
      }
      const budget = flags.tokens === undefined ? undefined : Number(flags.tokens);
      if (budget !== undefined && (!Number.isInteger(budget) || budget <= 0)) {
        throw new UsageError(`--tokens ${flags.tokens}: expected a positive integer`);
      }
      if (file !== '-' && (!existsSync(file) || !statSync(file).isFile())) {
        throw new UsageError(`${file}: no such file`);
      }
      // Where the runner printed no line (a timeout), the test's declaration is read from the checkout at cwd.
      const readSource = flags.source === false ? undefined : sourceReader(process.cwd());
      const stream = new FeedbackStream({ runner: flags.runner, readSource });
      const input = file === '-' ? process.stdin : createReadStream(file);
      for await (const chunk of input) stream.write(chunk as Buffer);
      const report = stream.end();
      const out = flags.render
        ? `${renderFeedback(report, { tokenBudget: budget })}\n`
        : `${JSON.stringify(report)}\n`;
      process.stdout.write(out);
    });
}
