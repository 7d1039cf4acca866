// The loop with the real parser, renderer, localizer, fixers and scorer, and real pytest run on the host (no
// Docker): what `mimo fix` does inside the sandbox, minus the container.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompletionRequest, Model } from '../../src/models/index.js';
import { Budget, defaultAnalyzer, MemoryLog, runRepair } from '../../src/repair/index.js';
import { Workspace } from '../../src/tools/index.js';
import { LocalSandbox } from '../helpers/fake-sandbox.js';

const examples = new URL('../../examples', import.meta.url).pathname;
const PYTEST = 'python3 -m pytest -p no:cacheprovider';

async function run(example: string, model: Model | null) {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-local-'));
  cpSync(join(examples, example), dir, { recursive: true });
  const sandbox = new LocalSandbox(dir);
  const log = new MemoryLog();
  try {
    const result = await runRepair({
      sandbox,
      workspace: await Workspace.open(dir),
      testCommand: PYTEST,
      model,
      budget: new Budget({ maxIterations: 2, maxWallTimeMs: 120_000, maxTokens: 10_000, maxCostUsd: 0 }),
      analyzer: defaultAnalyzer({ fallbackRunner: 'pytest', root: dir }),
      reporter: log,
      env: { PYTHONDONTWRITEBYTECODE: '1' },
    });
    return { result, log, stats: readFileSync(join(dir, 'pipeline/stats.py'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('repair loop on real pytest output (host runner)', () => {
  it('fixes the csv-pipeline missing import with the deterministic fixers alone, and proves it', async () => {
    const { result, log, stats } = await run('csv-pipeline', null);
    expect(result.stop.reason).toBe('green');
    expect(result.rootCause).toBe(
      "add `import statistics` to pipeline/stats.py (NameError: name 'statistics' is not defined)",
    );
    expect(stats).toContain('import statistics\n');
    expect(result.baseline?.report.failures.map((f) => f.test)).toEqual([
      'tests/test_pipeline.py::test_unit_stats',
      'tests/test_pipeline.py::test_report',
    ]);
    const proof = log.events.filter((e) => e.phase === 'proof');
    expect(proof.map((e) => e.command)).toEqual([
      `${PYTEST} tests/test_pipeline.py::test_unit_stats tests/test_pipeline.py::test_report`,
      `${PYTEST} tests/test_pipeline.py::test_unit_stats tests/test_pipeline.py::test_report`,
      `${PYTEST} tests/test_pipeline.py::test_unit_stats tests/test_pipeline.py::test_report`,
      PYTEST,
    ]);
    expect(proof.map((e) => e.failures?.passed)).toEqual([2, 2, 2, 5]);
  }, 300_000);

  it('gives the model the parsed failures with source lines and the suspects, not the raw log', async () => {
    const requests: CompletionRequest[] = [];
    const model: Model = {
      id: 'test:capture',
      async complete(request) {
        requests.push(request);
        return {
          text: '',
          toolCalls: [{ id: '1', name: 'finish', arguments: { status: 'give_up', summary: 'seen enough' } }],
          usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 },
          stopReason: 'tool_use',
          latencyMs: 0,
          costUsd: 0,
          priced: true,
        };
      },
    };
    // with the fixers off, the missing import reaches the model
    const dir = mkdtempSync(join(tmpdir(), 'mimo-local-'));
    cpSync(join(examples, 'csv-pipeline'), dir, { recursive: true });
    try {
      const result = await runRepair({
        sandbox: new LocalSandbox(dir),
        workspace: await Workspace.open(dir),
        testCommand: PYTEST,
        model,
        budget: new Budget({ maxIterations: 2, maxWallTimeMs: 120_000, maxTokens: 10_000, maxCostUsd: 0 }),
        analyzer: defaultAnalyzer({ fallbackRunner: 'pytest', root: dir }),
        fixers: [],
        env: { PYTHONDONTWRITEBYTECODE: '1' },
      });
      expect(result.stop.reason).toBe('gave_up');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const prompt = requests[0]!.messages[0]!.content;
    expect(prompt).toContain('## Current test result\npytest: 2 failed, 3 passed');
    expect(prompt).toContain("NameError: name 'statistics' is not defined");
    expect(prompt).toMatch(/"mean": round\(statistics\.mean\(units\), 2\),/);
    expect(prompt).toMatch(/## Most suspicious locations\n- pipeline\/stats\.py:16 /);
    expect(prompt).not.toContain('short test summary info');
    expect(requests[0]!.tools.map((t) => t.name)).toContain('edit');
  }, 300_000);
});
