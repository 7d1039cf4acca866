import type { Command } from 'commander';

/**
 * Every subcommand lives in its own file exporting `register(program)`; add one line here per command.
 * Commands print machine-readable results on stdout and progress on stderr.
 */
export function registerCommands(_program: Command): void {}
