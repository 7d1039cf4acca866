// `mimo eval` end to end: the real binary, the real Docker sandbox and runner image, real pytest and node inside it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, readResults } from '../../src/eval/index.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/mimo.js');
const corpus = join(root, 'examples/eval');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
const mimo = (...args: string[]) => mimoWith({}, ...args);
const mimoWith = (env: Record<string, string | undefined>, ...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
    cwd: root,
    env: { ...process.env, ...env },
  });

/** A manifest of some corpus cases (repo paths made absolute), plus extra lines. */
function subset(ids: string[], extra: string[] = []): string {
  const dir = tmp('mimo-eval-cli-');
  const lines = readFileSync(join(corpus, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { id: string; repo: string })
    .filter((c) => ids.includes(c.id))
    .map((c) => JSON.stringify({ ...c, repo: join(corpus, c.repo) }));
  const path = join(dir, 'manifest.jsonl');
  writeFileSync(path, [...lines, ...extra].join('\n') + '\n');
  return path;
}

const containers = () =>
  spawnSync('docker', ['ps', '-aq', '--filter', 'label=mimo.eval=1'], { encoding: 'utf8' }).stdout.trim();

const SLOW = 600_000;

describe('mimo eval (real Docker sandbox)', () => {
  it(
    'runs cases with --model none --parallel 2, resolves exactly the fixable ones, and each resolved diff verifies again',
    async () => {
      const ids = ['py-dataclass-money', 'py-pagination-off-by-one', 'js-cjs-asset-path'];
      const manifest = subset(ids, ['{"id": "corrupt", "repo": 12, "test": "true"}']);
      const out = tmp('mimo-eval-cli-out-');
      const run = mimo(
        'eval',
        '--cases',
        manifest,
        '--model',
        'none',
        '--parallel',
        '2',
        '--proof-runs',
        '1',
        '--out',
        out,
      );
      expect(run.stderr).toMatch(
        /\[manifest\] .*manifest\.jsonl line 4: "repo": .* — skipped, the other cases run/,
      );
      expect(run.status).toBe(1); // the corrupt line is reported in the exit code too
      const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
      expect(summary).toMatchObject({
        cases: 3,
        resolved: 2,
        resolvedRate: 0.6667,
        invalid: 1,
        costUsd: 0,
        aborted: false,
      });
      const { results } = await readResults(join(out, 'results.jsonl'));
      expect(
        results
          .filter((r) => r.resolved)
          .map((r) => r.id)
          .sort(),
      ).toEqual(['js-cjs-asset-path', 'py-dataclass-money']);
      // Checked from outside: each resolved diff, applied by patch -p1 to a fresh copy, passes there.
      const { cases } = await readManifest(manifest);
      for (const r of results.filter((x) => x.resolved)) {
        const c = cases.find((x) => x.id === r.id)!;
        const copy = tmp('mimo-eval-cli-check-');
        cpSync(c.repo, copy, { recursive: true });
        expect(spawnSync('patch', ['-p1', '--batch'], { cwd: copy, input: r.diff }).status).toBe(0);
        const check = mimo('exec', '--repo', copy, '--', 'sh', '-c', c.test);
        expect(JSON.parse(check.stdout)).toMatchObject({ exitCode: 0 });
      }
      expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'))).toMatchObject({
        model: 'none',
        proofRuns: 1,
      });
      expect(containers()).toBe('');

      // compare: the same cases with --no-fixers resolve none.
      const out2 = tmp('mimo-eval-cli-out2-');
      const ablated = mimo(
        'eval',
        '--cases',
        manifest,
        '--model',
        'none',
        '--no-fixers',
        '--parallel',
        '2',
        '--proof-runs',
        '1',
        '--out',
        out2,
      );
      expect(JSON.parse(ablated.stdout.trim().split('\n').pop()!)).toMatchObject({ cases: 3, resolved: 0 });
      expect(readFileSync(join(out2, 'report.md'), 'utf8')).toContain('**Fixers:** off');
      const compared = mimo('eval', 'compare', out, out2);
      expect(compared.status).toBe(0);
      expect(compared.stdout).toContain('fixers: true → false');
      expect(compared.stdout).toMatch(/py-dataclass-money\s+resolved\s+not resolved\s+lost/);
      expect(compared.stdout).toMatch(/B − A = -2/);
    },
    SLOW,
  );

  it(
    'Ctrl-C ends the running case as aborted, removes its containers, and leaves it out of results.jsonl',
    async () => {
      const slow = tmp('mimo-eval-cli-slow-');
      writeFileSync(join(slow, 'test_slow.py'), 'import time\n\n\ndef test_slow():\n    time.sleep(120)\n');
      const manifest = subset(
        ['py-json-export'],
        [JSON.stringify({ id: 'slow', repo: slow, test: 'python -m pytest -q' })],
      );
      const out = tmp('mimo-eval-cli-int-');
      const child = spawn(
        process.execPath,
        [bin, 'eval', '--cases', manifest, '--proof-runs', '1', '--out', out],
        {
          cwd: root,
        },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (/\[1\/2\] py-json-export/.test(stderr) && !child.killed)
          setTimeout(() => child.kill('SIGINT'), 3000);
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toContain('[eval] interrupted');
      expect(code).toBe(1);
      expect(containers()).toBe('');
      const { results } = await readResults(join(out, 'results.jsonl'));
      expect(results.map((r) => r.id)).toEqual(['py-json-export']);
    },
    SLOW,
  );

  it(
    "honours the operator's MIMO_SANDBOX_RUNTIME=runsc over a repository's runc, as mimo fix does: the case's tests run under gVisor",
    async () => {
      // A repository whose tests pass only under gVisor's kernel (uname -r is 4.4.0 there), asking for runc.
      const repo = tmp('mimo-eval-cli-runsc-');
      mkdirSync(join(repo, '.github'));
      writeFileSync(join(repo, '.github/mimo.yml'), 'sandbox:\n  runtime: runc\n');
      writeFileSync(
        join(repo, 'test_kernel.py'),
        'import platform\n\n\ndef test_runs_under_gvisor():\n    assert platform.release() == "4.4.0"\n',
      );
      const line = JSON.stringify({ id: 'kernel', repo, test: 'python3 -m pytest -q -p no:cacheprovider' });
      const manifest = subset([], [line]);
      const stopOf = async (env: Record<string, string | undefined>) => {
        const out = tmp('mimo-eval-cli-runsc-out-');
        const run = mimoWith(
          env,
          'eval',
          '--cases',
          manifest,
          '--model',
          'none',
          '--proof-runs',
          '1',
          '--out',
          out,
        );
        expect(run.stderr).not.toMatch(/Error:/);
        const { results } = await readResults(join(out, 'results.jsonl'));
        expect(results).toHaveLength(1);
        return results[0]!.stop;
      };
      expect(await stopOf({ MIMO_SANDBOX_RUNTIME: 'runsc' })).toMatchObject({ reason: 'nothing_to_fix' });
      // Without the operator's floor the repository's runc is used: the host's kernel, the test fails.
      expect((await stopOf({ MIMO_SANDBOX_RUNTIME: undefined })).reason).not.toBe('nothing_to_fix');
      expect(containers()).toBe('');
    },
    SLOW,
  );
});
