// The harness end to end on the host: real pytest and node --test in each case's copy (HostSandbox stands in for
// the Docker sandbox, which eval-cli.test.ts uses), real fixers, scripted replays, real `patch -p1` re-application.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  parseManifest,
  readResults,
  runEval,
  type EvalCase,
  type EvalSettings,
  type EvalSummary,
  type SandboxRunner,
} from '../../src/eval/index.js';
import { ImageMissingError } from '../../src/sandbox/index.js';
import { createModel } from '../../src/models/index.js';
import { hostRunner } from './host-sandbox.js';

const corpus = new URL('../../examples/eval', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

function manifestOf(
  ids: string[],
  extra = '',
): { cases: EvalCase[]; invalid: ReturnType<typeof parseManifest>['invalid'] } {
  const lines = readFileSync(join(corpus, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => ids.some((id) => l.includes(`"id": "${id}"`)));
  return parseManifest([...lines, extra].join('\n'), 'manifest.jsonl', corpus);
}

function settings(over: Partial<EvalSettings> = {}): EvalSettings {
  return {
    model: 'none',
    modelLabel: 'none — the deterministic fixers only',
    scripted: false,
    feedback: 'structured',
    fixers: true,
    score: true,
    localize: true,
    proofRuns: 1,
    parallel: 1,
    source: 'manifest.jsonl',
    ...over,
  };
}

async function evaluate(
  parsed: { cases: EvalCase[]; invalid: ReturnType<typeof parseManifest>['invalid'] },
  over: Partial<EvalSettings> & {
    out?: string;
    resume?: boolean;
    signal?: AbortSignal;
    scripts?: string;
  } = {},
) {
  const { run, stats } = hostRunner();
  const progress: string[] = [];
  const out = over.out ?? tmp('mimo-eval-out-');
  const summary: EvalSummary = await runEval({
    cases: parsed.cases,
    invalid: parsed.invalid,
    out,
    resume: over.resume ?? false,
    settings: settings(over),
    modelFor: (c) => (over.scripts ? createModel(`scripted:${join(over.scripts, `${c.id}.jsonl`)}`) : null),
    run,
    signal: over.signal ?? new AbortController().signal,
    progress: (line) => progress.push(line),
  });
  return { summary, stats, progress, out };
}

/** Applies a diff with the real `patch -p1` to a fresh copy of the case and runs its tests there. */
function reapply(c: EvalCase, diff: string): { patch: number; tests: number } {
  const copy = tmp('mimo-eval-reapply-');
  cpSync(c.repo, copy, { recursive: true });
  const patch = spawnSync('patch', ['-p1', '--batch', '--forward'], {
    cwd: copy,
    input: diff,
    encoding: 'utf8',
  });
  const tests = spawnSync('sh', ['-c', c.test], {
    cwd: copy,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  return { patch: patch.status ?? -1, tests: tests.status ?? -1 };
}

const SLOW = 900_000; // generous: CI machines run many suites beside this one

describe('mimo eval harness (host runners)', () => {
  it(
    'resolves exactly the cases the fixers can repair, two at a time, and every resolved diff re-applies with patch -p1',
    async () => {
      const ids = ['py-json-export', 'py-grade-boundary', 'js-esm-local-export', 'js-active-filter'];
      const parsed = manifestOf(ids);
      const { summary, stats, progress, out } = await evaluate(parsed, { parallel: 2 });
      const { results } = await readResults(join(out, 'results.jsonl'));
      const resolved = results
        .filter((r) => r.resolved)
        .map((r) => r.id)
        .sort();
      expect(resolved).toEqual(['js-esm-local-export', 'py-json-export']);
      expect(summary).toMatchObject({
        cases: 4,
        resolved: 2,
        resolvedRate: 0.5,
        costUsd: 0,
        tokens: 0,
        invalid: 0,
      });
      for (const r of results) {
        const c = parsed.cases.find((x) => x.id === r.id)!;
        if (r.resolved) {
          expect(reapply(c, r.diff)).toEqual({ patch: 0, tests: 0 });
          expect(r.verification.applied).toBe(true);
        } else {
          expect(r.stop.reason).toBe('no_progress');
          expect(r.diff).toBe('');
          expect(r.verification.detail).toBe('the run changed nothing');
        }
        expect(r.testMs).toBeGreaterThan(0);
        expect(r.wallMs).toBeGreaterThanOrEqual(r.testMs);
        expect(existsSync(r.log)).toBe(true);
      }
      // Parallel lanes overlapped, each case had its own copies (run + verification), every sandbox was disposed.
      expect(stats.maxOpen).toBe(2);
      expect(new Set(stats.workspaces).size).toBe(stats.opened);
      expect(stats.disposed).toBe(stats.opened);
      expect(progress.filter((l) => /^\[\d\/4\] /.test(l))).toHaveLength(4);
      expect(progress.at(-1)).toMatch(/^\[4\/4\] .* 2\/4 resolved so far \(50\.0 %\)$/);
      const report = readFileSync(join(out, 'report.md'), 'utf8');
      expect(report).toMatch(/^# mimo eval: 2\/4 resolved \(50\.0 %\)/);
      expect(report).toContain('**Model:** none — the deterministic fixers only');
      expect(report).toContain(
        '**Feedback:** structured · **Fixers:** on · **Score:** on · **Localize:** on · **Proof runs:** 1',
      );
      expect(report).toContain('![Wall time per case, coloured by outcome](chart.svg)');
      const svg = readFileSync(join(out, 'chart.svg'), 'utf8');
      expect(svg.match(/<rect [^>]*fill="#2da44e"\/>/g)).toHaveLength(2 + 1); // 2 bars' test part + legend
      expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({
        parallel: 2,
        fixers: true,
      });

      // --resume: the four are skipped, only the new case runs.
      const more = manifestOf([...ids, 'py-word-index']);
      const again = await evaluate(more, { out, resume: true });
      expect(again.stats.opened).toBe(2); // the new case's run + its verification
      expect(again.summary).toMatchObject({ cases: 5, resolved: 3, resumed: 4 });
      expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
    },
    SLOW,
  );

  it(
    'labels a scripted replay as such and verifies its diff; a corrupt line does not stop the rest; a case that times out',
    async () => {
      const scripts = tmp('mimo-eval-scripts-');
      writeFileSync(
        join(scripts, 'py-grade-boundary.jsonl'),
        JSON.stringify({
          text: 'A starts at 90.',
          toolCalls: [
            {
              name: 'edit',
              arguments: {
                path: 'grades.py',
                edits: [{ search: 'if score > 90:', replace: 'if score >= 90:' }],
              },
            },
            {
              name: 'finish',
              arguments: { status: 'fixed', summary: 'A from 90 on', rootCause: '> instead of >=' },
            },
          ],
        }) + '\n',
      );
      const slow = tmp('mimo-eval-slow-');
      mkdirSync(join(slow, 'tests'));
      writeFileSync(
        join(slow, 'tests/test_slow.py'),
        'import time\n\n\ndef test_slow():\n    time.sleep(60)\n    assert False\n',
      );
      const parsed = parseManifest(
        [
          JSON.stringify({ id: 'py-grade-boundary', repo: 'py-grade-boundary', test: 'python -m pytest -q' }),
          '{"id": "broken", "repo": ',
          JSON.stringify({ id: 'py-json-export', repo: 'py-json-export', test: 'python -m pytest -q' }),
        ].join('\n'),
        'manifest.jsonl',
        corpus,
      );
      expect(parsed.invalid.map((e) => e.message)).toEqual([
        expect.stringMatching(/^manifest\.jsonl line 2: not valid JSON/),
      ]);
      writeFileSync(
        join(scripts, 'py-json-export.jsonl'),
        JSON.stringify({ text: 'never asked', toolCalls: [] }) + '\n',
      );
      const { summary, out, progress } = await evaluate(parsed, {
        scripts,
        model: `scripted:${scripts}`,
        modelLabel: `scripted replay, not a model (scripted:${scripts})`,
        scripted: true,
      });
      const { results } = await readResults(join(out, 'results.jsonl'));
      const byId = Object.fromEntries(results.map((r) => [r.id, r]));
      expect(byId['py-grade-boundary']).toMatchObject({
        resolved: true,
        claimed: true,
        iterations: 1,
        files: ['grades.py'],
      });
      expect(byId['py-grade-boundary']!.diff).toContain('-    if score > 90:\n+    if score >= 90:\n');
      // The fixers repair it before the script is asked for a turn.
      expect(byId['py-json-export']).toMatchObject({ resolved: true, iterations: 0 });
      expect(summary).toMatchObject({ cases: 2, resolved: 2, invalid: 1, scripted: true });
      expect(progress[0]).toMatch(
        /^\[manifest\] manifest\.jsonl line 2: not valid JSON.* — skipped, the other cases run$/,
      );
      const report = readFileSync(join(out, 'report.md'), 'utf8');
      expect(report).toContain('> **Scripted replay, not a model:**');
      expect(report).toContain(`**Model:** scripted replay, not a model (scripted:${scripts})`);
      expect(report).toMatch(/## Manifest lines not run\n\n- manifest\.jsonl line 2: not valid JSON/);

      // A case whose tests outlast its wall time (--timeout 3): stopped by the budget, not resolved, promptly.
      const timed = parseManifest(
        JSON.stringify({ id: 'slow', repo: slow, test: 'python -m pytest -q' }),
        'm',
        corpus,
      );
      const started = Date.now();
      const late = await evaluate(timed, { timeoutSeconds: 3 });
      const [result] = (await readResults(join(late.out, 'results.jsonl'))).results;
      expect(result).toMatchObject({
        id: 'slow',
        resolved: false,
        stop: { reason: 'budget', limit: 'wall_time' },
      });
      expect(result!.wallMs).toBeLessThan(30_000);
      expect(Date.now() - started).toBeLessThan(45_000);
      expect(late.stats.disposed).toBe(late.stats.opened);
    },
    SLOW,
  );

  it(
    'an interrupted evaluation disposes of every sandbox, leaves the unfinished cases out, and --resume completes them',
    async () => {
      const ids = ['py-json-export', 'py-word-index', 'py-config-path'];
      const parsed = manifestOf(ids);
      const stop = new AbortController();
      const out = tmp('mimo-eval-abort-');
      const { run, stats } = hostRunner();
      const summary = await runEval({
        cases: parsed.cases,
        invalid: [],
        out,
        resume: false,
        settings: settings(),
        modelFor: () => null,
        run: async (o, body) => {
          if (stats.opened === 2) setTimeout(() => stop.abort(), 150); // during the second case's run
          return run(o, body);
        },
        signal: stop.signal,
        progress: () => undefined,
      });
      expect(summary.aborted).toBe(true);
      expect(summary.cases).toBe(1);
      expect(summary.notRun).toBe(2);
      expect(stats.disposed).toBe(stats.opened);
      expect((await readResults(join(out, 'results.jsonl'))).results.map((r) => r.id)).toEqual([
        'py-json-export',
      ]);
      const resumed = await evaluate(parsed, { out, resume: true });
      expect(resumed.summary).toMatchObject({ cases: 3, resolved: 3, resumed: 1, aborted: false });
    },
    SLOW,
  );
});

describe('mimo eval harness, infrastructure errors', () => {
  it('a missing image stops the whole evaluation, records no case, and names the image', async () => {
    const parsed = manifestOf(['py-json-export', 'py-word-index', 'py-config-path']);
    const out = tmp('mimo-eval-noimage-');
    let calls = 0;
    const run: SandboxRunner = async () => {
      calls++;
      throw new ImageMissingError('mimo-runner:nope');
    };
    await expect(
      runEval({
        cases: parsed.cases,
        invalid: [],
        out,
        resume: false,
        settings: settings({ parallel: 2 }),
        modelFor: () => null,
        run,
        signal: new AbortController().signal,
        progress: () => undefined,
      }),
    ).rejects.toThrow(/image mimo-runner:nope is not on the Docker engine/);
    expect(calls).toBeLessThanOrEqual(2); // the lanes that had started; no further case
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe('');
  });
});
