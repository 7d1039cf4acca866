import { ScriptedModel, withBudget, type Model, type ScriptedTurn } from '../../src/models/index.js';
import {
  Budget,
  MemoryLog,
  runRepair,
  type BudgetLimits,
  type RepairOptions,
} from '../../src/repair/index.js';
import { Workspace } from '../../src/tools/index.js';
import { FakeSandbox } from '../helpers/fake-sandbox.js';
import { fakeAnalyzer, fakeSuite, type FakeTest } from '../helpers/fake-suite.js';
import { tempRepo } from '../helpers/tmp.js';

export const CALC_FILES = {
  'calc.py': 'def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n',
  'tests/test_calc.py':
    'from calc import add, mul\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_mul():\n    assert mul(2, 3) == 6\n',
};

/** The fake suite of the calc repository: each test also disappears if its definition is deleted. */
export const CALC_TESTS: Record<string, FakeTest> = {
  test_add: (read) =>
    !read('tests/test_calc.py').includes('def test_add')
      ? true
      : read('calc.py').includes('return a + b') || 'assert -1 == 5',
  test_mul: (read) => read('calc.py').includes('return a * b') || 'assert 5 == 6',
};

export const FIX_ADD = {
  name: 'edit',
  arguments: { path: 'calc.py', edits: [{ search: 'return a - b', replace: 'return a + b' }] },
};

export interface ScenarioOptions {
  files?: Record<string, string>;
  tests?: Record<string, FakeTest>;
  turns?: ScriptedTurn[];
  model?: Model | null;
  limits?: Partial<BudgetLimits>;
  now?: () => number;
  flaky?: { test: string; runs: number[] };
  extra?: Partial<RepairOptions>;
}

/** Runs the loop on a temporary repository with the fake suite and a scripted model; cleans up after. */
export async function runScenario(options: ScenarioOptions) {
  const repo = tempRepo(options.files ?? CALC_FILES);
  try {
    const suite = fakeSuite(repo.root, options.tests ?? CALC_TESTS, { flaky: options.flaky });
    const sandbox = new FakeSandbox(repo.root, suite.handler);
    const budget = new Budget(
      { maxIterations: 5, maxWallTimeMs: 60_000, maxTokens: 100_000, maxCostUsd: 1, ...options.limits },
      options.now,
    );
    const scripted = options.turns ? new ScriptedModel(options.turns) : null;
    const raw = options.model !== undefined ? options.model : scripted;
    const log = new MemoryLog();
    const workspace = await Workspace.open(repo.root);
    const result = await runRepair({
      sandbox,
      workspace,
      testCommand: 'run-tests',
      model: raw ? withBudget(raw, budget) : null,
      budget,
      analyzer: fakeAnalyzer,
      reporter: log,
      fixers: [],
      ...options.extra,
    });
    const read = (path: string) => workspace.readIfExists(path);
    return { result, log, events: log.events, suite, sandbox, budget, scripted, read, workspace };
  } finally {
    repo.cleanup();
  }
}
