/**
 * A test run that could not start its runner: the shell's exit 127 or a "command not found" line. Repairing code
 * cannot help; the user has to install the program in the setup phase, so the run stops and says which program.
 */
import type { TestRun } from './context.js';

const NOT_FOUND: RegExp[] = [
  // dash: `sh: 1: jest: not found`; bash: `bash: line 1: jest: command not found`, `sh: jest: command not found`
  /^(?:\S*sh|\S+):(?: line)? ?\d*:? ([^\s:]+): (?:command )?not found\s*$/m,
  // pnpm / yarn: `Command "vitest" not found`, `ERR_PNPM_RECURSIVE_EXEC_FIRST_FAIL  Command "vitest" not found`
  /\bCommand "([^"]+)" not found/,
  /\bcommand not found: (\S+)/,
  // python -m pytest without pytest: `/usr/bin/python3: No module named pytest`
  /^\S*python[\d.]*: No module named (\S+)\s*$/m,
];

/** The program a run could not find, or null when the run started its runner. */
export function missingProgram(run: Pick<TestRun, 'exitCode' | 'output'>): string | null {
  for (const pattern of NOT_FOUND) {
    const match = pattern.exec(run.output);
    if (match) return match[1]!;
  }
  return run.exitCode === 127 ? '(unknown: the command exited 127)' : null;
}

export function missingProgramDetail(program: string, command: string, setupCommand?: string): string {
  const ran = setupCommand ? ` after setup \`${setupCommand}\`` : ' (no setup step ran)';
  return (
    `the test command \`${command}\` could not start: \`${program}\` is not installed in the sandbox${ran}. ` +
    'Set `setup:` in .github/mimo.yml to the command that installs it (e.g. `npm ci`, ' +
    '`pip install -r requirements.txt`), or `test:` to a command the runner image has'
  );
}
