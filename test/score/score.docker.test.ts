// The quality score's sandbox parts against the real runner image (its python3 and pyflakes, no ruff): the Python
// pass measures complexity with `ast` and runs pyflakes in the same process, and only findings on changed lines
// count. A tree already scored in the same sandbox is not measured again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestReport } from '../../src/feedback/index.js';
import { openDockerSandbox, runnerImageName, type Sandbox } from '../../src/sandbox/index.js';
import { scoreCandidate } from '../../src/score/index.js';
import { removeWorkspaces, tempWorkspace } from '../sandbox/helpers.js';

const green: TestReport = { runner: 'pytest', passed: 2, failed: 0, skipped: 0, failures: [] };
const red: TestReport = {
  runner: 'pytest',
  passed: 1,
  failed: 1,
  skipped: 0,
  failures: [{ test: 'tests/test_cart.py::test_total', kind: 'AssertionError', message: 'x', frames: [] }],
};

const BEFORE = 'import sys\n\n\ndef total(items):\n    return sum(items)\n';
// Line 1 (`import sys`, unused) is unchanged; lines 2 and 7 are new findings: `os` unused, `discount` undefined.
const AFTER =
  'import sys\nimport os\n\n\ndef total(items):\n    if not items:\n        return discount\n    return sum(i for i in items)\n';

let sandbox: Sandbox;
const commands: string[] = [];
let counted: Sandbox;

beforeAll(async () => {
  const dir = tempWorkspace();
  writeFileSync(join(dir, 'cart.py'), AFTER);
  sandbox = await openDockerSandbox({ workspace: dir, image: runnerImageName() });
  counted = Object.create(sandbox, {
    exec: {
      value: (command: string | string[], options?: Parameters<Sandbox['exec']>[1]) => {
        commands.push(Array.isArray(command) ? command.slice(0, 2).join(' ') : command);
        return sandbox.exec(command, options);
      },
    },
  }) as Sandbox;
}, 120_000);

afterAll(async () => {
  await sandbox?.dispose();
  removeWorkspaces();
});

describe('quality score in the runner image', () => {
  it('counts complexity and pyflakes findings on changed lines from one Python process', async () => {
    const input = {
      report: green,
      exitCode: 0,
      baseline: red,
      edits: [{ path: 'cart.py', before: BEFORE, after: AFTER }],
      output: '2 passed',
      baselineOutput: '1 failed, 1 passed',
      sandbox: counted,
    };
    const scored = await scoreCandidate(input);
    expect(scored.parts).toMatchObject({ complexityDelta: 2, lintFindings: 2, testsPassing: 1 });
    expect(scored.functions).toEqual([{ file: 'cart.py', name: 'total', before: 1, after: 3 }]);
    // The linter probe (a shell, once per sandbox) and one python3 for both complexity and pyflakes.
    expect(commands.filter((c) => c.startsWith('python3'))).toHaveLength(1);
    expect(commands).toHaveLength(2);

    commands.length = 0;
    const again = await scoreCandidate({
      ...input,
      edits: [{ path: 'cart.py', before: BEFORE, after: AFTER.replace('return discount', 'return 0') }],
    });
    expect(again.parts).toMatchObject({ complexityDelta: 2, lintFindings: 1 });
    expect(commands).toEqual(['python3 -c']);

    // The same tree scored again (the fixers' green candidate, then the run's final score) runs nothing more, and
    // its test parts still come from the new report.
    commands.length = 0;
    const final = await scoreCandidate({ ...input, report: red, exitCode: 1 });
    expect(final.parts).toMatchObject({ complexityDelta: 2, lintFindings: 2, testsPassing: 0.5 });
    expect(final.functions).toEqual(scored.functions);
    expect(commands).toEqual([]);
  }, 60_000);

  it("counts pyflakes' syntax error and leaves complexity unknown when the file does not parse", async () => {
    const broken = 'def total(items:\n    return 0\n';
    const scored = await scoreCandidate({
      report: red,
      exitCode: 1,
      baseline: red,
      edits: [{ path: 'cart.py', before: BEFORE, after: broken }],
      output: '',
      baselineOutput: '',
      sandbox,
    });
    // pyflakes reports the syntax error on the changed line 1; `ast` cannot parse the after side.
    expect(scored.parts.lintFindings).toBe(1);
    expect(scored.parts.complexityDelta).toBeUndefined();
  }, 60_000);
});
