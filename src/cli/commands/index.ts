import type { Command } from 'commander';
import { register as registerConfig } from './config.js';
import { register as registerEval } from './eval.js';
import { register as registerExec } from './exec.js';
import { register as registerFix } from './fix.js';
import { register as registerImages } from './images.js';
import { register as registerLocalize } from './localize.js';
import { register as registerParse } from './parse.js';
import { register as registerWorker } from './worker.js';

/**
 * Every subcommand lives in its own file exporting `register(program)`; add one line here per command.
 * Commands print machine-readable results on stdout and progress on stderr.
 */
export function registerCommands(program: Command): void {
  registerConfig(program);
  registerEval(program);
  registerExec(program);
  registerFix(program);
  registerImages(program);
  registerLocalize(program);
  registerParse(program);
  registerWorker(program);
}
