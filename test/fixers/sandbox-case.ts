import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixer } from '../../src/fixers/index.js';
import { Budget, defaultAnalyzer, MemoryLog, runRepair, type RepairResult } from '../../src/repair/index.js';
import { openDockerSandbox, runnerImageName } from '../../src/sandbox/index.js';
import { Workspace } from '../../src/tools/index.js';

const repos = new URL('../fixtures/repos/', import.meta.url).pathname;

export interface CaseResult {
  result: RepairResult;
  log: MemoryLog;
  /** A file of the repaired copy. */
  read(path: string): string;
  /** The fixer lines of the log. */
  fixerLines: string[];
}

/**
 * One injected fault, repaired by `mimo fix --model none`'s loop in the real runner image: the fixture repository is
 * copied, `fault` edits the copy (a string replace that must match), the loop runs the real test command.
 */
export async function repairCase(options: {
  fixture: string;
  fault: Record<string, [string | RegExp, string]>;
  test: string;
  fixers?: Fixer[];
}): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), `mimo-${options.fixture}-`));
  cpSync(join(repos, options.fixture), dir, { recursive: true });
  for (const [file, [from, to]] of Object.entries(options.fault)) {
    const path = join(dir, file);
    const before = readFileSync(path, 'utf8');
    const after = before.replace(from, to);
    if (after === before) throw new Error(`fault for ${file} did not apply: ${String(from)}`);
    writeFileSync(path, after);
  }
  const sandbox = await openDockerSandbox({
    workspace: dir,
    image: runnerImageName(),
    labels: { 'dev.mimo.test': 'fixers' },
  });
  const log = new MemoryLog();
  try {
    const result = await runRepair({
      sandbox,
      workspace: await Workspace.open(dir),
      testCommand: options.test,
      model: null,
      fixers: options.fixers,
      budget: new Budget({ maxIterations: 2, maxWallTimeMs: 540_000, maxTokens: 0, maxCostUsd: 0 }),
      analyzer: defaultAnalyzer({ root: dir }),
      reporter: log,
      proofRuns: 1,
      env: { PYTHONDONTWRITEBYTECODE: '1' },
    });
    const contents = new Map<string, string>();
    for (const edit of result.edits) contents.set(edit.path, edit.after ?? '');
    return {
      result,
      log,
      read: (path) => contents.get(path) ?? readFileSync(join(dir, path), 'utf8'),
      fixerLines: log.events.filter((e) => e.phase === 'fixer').map((e) => e.message),
    };
  } finally {
    await sandbox.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
