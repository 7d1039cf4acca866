/**
 * A test run that could not start its runner: the shell's exit 127 or a "command not found" line. Repairing code
 * cannot help; the user has to install the program in the setup phase, so the run stops and says which program.
 */
import type { Workspace } from '../tools/index.js';
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

/**
 * A package the tests import that the sandbox does not have, left after the fixers (which correct misspelt and
 * renamed modules): Python's `ModuleNotFoundError: No module named 'requests'`, Node's `Cannot find module 'x'` /
 * `Cannot find package 'x'` for a bare specifier. Only an install step (or network the setup did not have) can
 * provide it.
 */
export function missingPackage(run: Pick<TestRun, 'output'>): string | null {
  const py = /ModuleNotFoundError: No module named '([\w.]+)'/.exec(run.output);
  if (py) return py[1]!;
  const node = /Cannot find (?:module|package) '((?:@[\w.-]+\/)?[\w.-][\w.-]*)(?:\/[^']*)?'/.exec(run.output);
  return node && !node[1]!.startsWith('.') ? node[1]! : null;
}

/**
 * Where the repository itself holds a missing Python module (`src/pkg/`, `src/pkg.py`, `lib/pkg/`): then it is not a
 * package to install from a registry but the project's own code, not on the path (a src layout never installed).
 */
export async function ownModulePath(
  workspace: Pick<Workspace, 'exists'>,
  module: string,
): Promise<string | null> {
  const top = module.split('.')[0]!;
  if (!/^[A-Za-z_]\w*$/.test(top)) return null;
  for (const dir of ['src', 'lib', 'python']) {
    if (await workspace.exists(`${dir}/${top}/__init__.py`)) return `${dir}/${top}`;
    if (await workspace.exists(`${dir}/${top}.py`)) return `${dir}/${top}.py`;
  }
  return null;
}

export function missingPackageDetail(module: string, setupCommand?: string, ownPath?: string): string {
  const ran = setupCommand ? `after setup \`${setupCommand}\`` : 'and no setup step ran';
  if (ownPath) {
    const root = ownPath.split('/')[0]!;
    return (
      `the tests import \`${module}\`, which is this repository's own code (\`${ownPath}\`), but it is not importable in ` +
      `the sandbox ${ran}: nothing installed the project or put \`${root}/\` on the path. Set \`setup:\` in ` +
      `.github/mimo.yml to install it (\`python3 -m pip install -e .\`, which needs its build backend offline), or ` +
      `\`test:\` to run with \`PYTHONPATH=${root}\``
    );
  }
  return (
    `the tests import \`${module}\`, which is not installed in the sandbox ${ran} (no fixer can add a package). ` +
    'Set `setup:` in .github/mimo.yml to the command that installs it, and keep `network.setup` on if it comes ' +
    'from a registry'
  );
}
