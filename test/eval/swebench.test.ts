// SWE-bench instances of our own: git repositories made here, the instance fields in the official shape
// (FAIL_TO_PASS as a JSON string of a list), the gold patch verified on a fresh copy with real pytest.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../src/config/index.js';
import { diffOf, readSweBench, testFilesOf, verifyCase } from '../../src/eval/index.js';
import { hostRunner } from './host-sandbox.js';

const root = mkdtempSync(join(tmpdir(), 'mimo-eval-swe-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const git = (cwd: string, ...args: string[]) =>
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'core.hooksPath=/dev/null', ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  ).trim();

const BUGGY = 'def median(xs):\n    xs = sorted(xs)\n    return xs[len(xs) // 2]\n';
const FIXED =
  'def median(xs):\n    xs = sorted(xs)\n    mid = len(xs) // 2\n    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2\n';

function checkout(id: string): string {
  const dir = join(root, 'checkouts', id);
  mkdirSync(join(dir, 'stats'), { recursive: true });
  mkdirSync(join(dir, 'tests'), { recursive: true });
  writeFileSync(join(dir, 'stats/__init__.py'), '');
  writeFileSync(join(dir, 'stats/center.py'), BUGGY);
  writeFileSync(
    join(dir, 'tests/test_center.py'),
    'from stats.center import median\n\n\ndef test_odd():\n    assert median([3, 1, 2]) == 2\n',
  );
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return git(dir, 'rev-parse', 'HEAD');
}

const testPatch =
  '--- /dev/null\n+++ b/tests/test_even.py\n@@ -0,0 +1,5 @@\n+from stats.center import median\n+\n+\n+def test_even():\n+    assert median([4, 1, 3, 2]) == 2.5\n';
const gold = diffOf([{ path: 'stats/center.py', before: BUGGY, after: FIXED }]);

function instance(id: string, base: string) {
  return {
    instance_id: id,
    repo: 'example/stats',
    base_commit: base,
    patch: gold,
    test_patch: testPatch,
    problem_statement: 'median of an even-length list is wrong',
    FAIL_TO_PASS: JSON.stringify(['tests/test_even.py::test_even']),
    PASS_TO_PASS: JSON.stringify(['tests/test_center.py::test_odd']),
  };
}

describe('SWE-bench instances', () => {
  it('become cases: the checkout, the test files of test_patch, FAIL_TO_PASS, the image; a wrong base commit is named', async () => {
    const base = checkout('example__stats-1');
    checkout('example__stats-2');
    const file = join(root, 'instances.jsonl');
    writeFileSync(
      file,
      [
        instance('example__stats-1', base),
        instance('example__stats-2', 'deadbeefdeadbeef'),
        instance('example__stats-3', base),
      ]
        .map((i) => JSON.stringify(i))
        .join('\n'),
    );
    const { cases, invalid } = await readSweBench(file, {
      checkouts: join(root, 'checkouts'),
      imageTemplate: 'sweb.eval.x86_64.{instance_id}:latest',
    });
    expect(testFilesOf(testPatch)).toEqual(['tests/test_even.py']);
    expect(cases).toEqual([
      {
        id: 'example__stats-1',
        repo: join(root, 'checkouts', 'example__stats-1'),
        test: 'python -m pytest -rA tests/test_even.py',
        failing: ['tests/test_even.py::test_even'],
        passing: ['tests/test_center.py::test_odd'],
        image: 'sweb.eval.x86_64.example__stats-1:latest',
        testPatch,
        line: 1,
      },
    ]);
    expect(invalid.map((e) => e.message)).toEqual([
      expect.stringMatching(/line 2: the checkout .* is at [0-9a-f]{12}, not at base_commit deadbeefdead/),
      expect.stringMatching(/line 3: no checkout of example\/stats at .*example__stats-3/),
    ]);
  }, 60_000);

  it('the gold patch verifies as resolved on a fresh copy; no patch, or a wrong one, does not', async () => {
    const file = join(root, 'gold.json');
    writeFileSync(
      file,
      JSON.stringify([
        instance('example__stats-1', git(join(root, 'checkouts/example__stats-1'), 'rev-parse', 'HEAD')),
      ]),
    );
    const { cases, instances } = await readSweBench(file, {
      checkouts: join(root, 'checkouts'),
      imageTemplate: 'img:{instance_id}',
    });
    const c = cases[0]!;
    const { run, stats } = hostRunner();
    const options = { config: defaultConfig(), image: c.image!, run, signal: new AbortController().signal };
    const verified = await verifyCase(c, instances[0]!.patch, options);
    expect(verified).toMatchObject({ resolved: true, applied: true });
    expect(verified.detail).toMatch(/the 1 named test\(s\) pass/);
    expect(await verifyCase(c, '', options)).toMatchObject({
      resolved: false,
      detail: 'the run changed nothing',
    });
    const wrong = diffOf([
      { path: 'stats/center.py', before: BUGGY, after: BUGGY.replace('// 2]', '// 2 - 1]') },
    ]);
    const failed = await verifyCase(c, wrong, options);
    expect(failed).toMatchObject({ resolved: false, applied: true });
    expect(failed.detail).toMatch(/the tests fail on a fresh copy with the diff: 1 failing/);
    expect(stats.disposed).toBe(stats.opened);
  }, 180_000);
});
