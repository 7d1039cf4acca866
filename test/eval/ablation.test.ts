// Each ablation switch of runRepair changes one thing, seen in what the model is shown or what the loop does:
// real pytest output on the host (HostSandbox), a recording model that gives up after looking.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompletionRequest, Model } from '../../src/models/index.js';
import { Budget, defaultAnalyzer, MemoryLog, runRepair, type Ablation } from '../../src/repair/index.js';
import { Workspace } from '../../src/tools/index.js';
import { HostSandbox } from './host-sandbox.js';

const corpus = new URL('../../examples/eval', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function recordingModel(requests: CompletionRequest[]): Model {
  return {
    id: 'recording',
    complete: async (request) => {
      requests.push({ ...request, messages: request.messages.map((m) => ({ ...m })) });
      return {
        text: 'looked',
        toolCalls: [{ id: 'c1', name: 'finish', arguments: { status: 'give_up', summary: 'only looking' } }],
        usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 },
        stopReason: 'tool_use',
        costUsd: 0,
        priced: false,
        latencyMs: 1,
      };
    },
  };
}

async function run(caseId: string, ablation: Ablation | undefined, withModel: boolean, proofRuns?: number) {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-ablation-'));
  dirs.push(dir);
  cpSync(join(corpus, caseId), dir, { recursive: true });
  const requests: CompletionRequest[] = [];
  const log = new MemoryLog();
  const result = await runRepair({
    sandbox: new HostSandbox(dir, () => undefined),
    workspace: await Workspace.open(dir),
    testCommand: 'python -m pytest -p no:cacheprovider',
    model: withModel ? recordingModel(requests) : null,
    budget: new Budget({ maxIterations: 2, maxWallTimeMs: 120_000, maxTokens: 100_000, maxCostUsd: 1 }),
    analyzer: defaultAnalyzer({ fallbackRunner: 'pytest', root: dir }),
    reporter: log,
    ablation,
    proofRuns,
  });
  const prompt = requests[0]?.messages[0]?.content ?? '';
  // A section runs to the next heading; the one-paragraph sections (suspects, score) to their first blank line.
  const section = (name: string) => {
    const body = new RegExp(`## ${name}\\n([\\s\\S]*?)(\\n\\n## |$)`).exec(prompt)?.[1];
    return name === 'Current test result' ? body : body?.split('\n\n')[0];
  };
  return { result, log, prompt, section };
}

describe('ablation switches of the repair loop', () => {
  it('feedback raw shows the tail of the raw test output, of the size of the structured report', async () => {
    const structured = await run('py-grade-boundary', undefined, true);
    const raw = await run('py-grade-boundary', { feedback: 'raw' }, true);
    const s = structured.section('Current test result')!;
    const r = raw.section('Current test result')!;
    expect(s).toMatch(/tests\/test_grades\.py::test_boundaries/);
    expect(s).not.toMatch(/={5,}/);
    expect(r).toMatch(/short test summary info|={5,}/); // pytest's own banners: the raw text
    expect(r).toMatch(/1 failed, 1 passed in [\d.]+s/);
    expect(Math.abs(r.length - s.length)).toBeLessThanOrEqual(1);
    // Nothing else changed: the suspects and the score are in both prompts.
    expect(raw.section('Most suspicious locations')).toBeDefined();
    expect(raw.section('Quality score')).toBeDefined();
    expect(raw.result.stop.reason).toBe('gave_up');
  }, 120_000);

  it('no localize leaves out the suspects; no score leaves out the score; nothing else changes', async () => {
    const full = await run('py-grade-boundary', undefined, true);
    const noLocalize = await run('py-grade-boundary', { localize: false }, true);
    const noScore = await run('py-grade-boundary', { score: false }, true);
    expect(full.section('Most suspicious locations')).toMatch(/grades\.py:\d+/);
    expect(noLocalize.section('Most suspicious locations')).toBeUndefined();
    expect(noLocalize.section('Quality score')).toBe(full.section('Quality score'));
    expect(noScore.section('Quality score')).toBeUndefined();
    expect(noScore.section('Most suspicious locations')).toBe(full.section('Most suspicious locations'));
    expect(noScore.section('Current test result')).toBe(full.section('Current test result'));
    expect(noScore.log.events.every((e) => e.score === undefined || e.phase !== 'stop')).toBe(true);
  }, 120_000);

  it('no fixers leaves a missing import unrepaired; proof runs N reruns the failing tests N times', async () => {
    const withFixers = await run('py-json-export', undefined, false, 1);
    const without = await run('py-json-export', { fixers: false }, false);
    expect(withFixers.result.stop.reason).toBe('green');
    expect(withFixers.log.events.filter((e) => e.phase === 'proof')).toHaveLength(2); // 1 rerun + the whole suite
    expect(without.result.stop.reason).toBe('no_progress');
    expect(without.log.events.some((e) => e.phase === 'fixer')).toBe(false);
  }, 120_000);
});
