import { parseTestOutput } from '../../src/feedback/index.js';
import type { Fixer } from '../../src/fixers/types.js';
import { Workspace } from '../../src/tools/index.js';
import { LocalSandbox } from './fake-sandbox.js';

/** Runs `command` in `root` on the host and asks `fixer` for proposals from its real output, as the loop would. */
export async function proposeAfter(fixer: Fixer, root: string, command: string) {
  const sandbox = new LocalSandbox(root);
  const result = await sandbox.exec(command);
  const output = result.stdout + result.stderr;
  const proposals = await fixer.propose({
    workspace: await Workspace.open(root),
    sandbox,
    report: parseTestOutput(output),
    output,
    allowNetwork: false,
  });
  return { result, output, proposals, sandbox };
}
