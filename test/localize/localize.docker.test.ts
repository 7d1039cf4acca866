// End to end on the real Docker engine and runner image (`mimo images build`): `mimo localize` runs the tests of a
// repository with a one-line logic bug under coverage.py dynamic contexts in the sandbox and ranks that line first.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/mimo.js', import.meta.url).pathname;
const fixture = new URL('../fixtures/localize/py-bug', import.meta.url).pathname;

describe('mimo localize (Docker)', () => {
  it('puts the buggy line of a repository with several tests in its top 5', () => {
    const repo = mkdtempSync(join(tmpdir(), 'mimo-localize-test-'));
    cpSync(fixture, repo, { recursive: true });
    const result = spawnSync(
      process.execPath,
      [bin, 'localize', '--repo', repo, '--test', 'python3 -m pytest -q'],
      {
        encoding: 'utf8',
        timeout: 240_000,
      },
    );
    expect(result.stderr).not.toMatch(/mimo: (?!running|compiling|tsc reported|evidence|setup)/);
    expect(result.status).toBe(0);
    const suspects = JSON.parse(result.stdout) as Array<{ file: string; line: number; score: number }>;
    for (const s of suspects) expect(Object.keys(s)).toEqual(['file', 'line', 'score']);
    const top5 = suspects.slice(0, 5).map((s) => `${s.file}:${s.line}`);
    expect(top5).toContain('pricing.py:21');
    expect(suspects[0]).toEqual({ file: 'pricing.py', line: 21, score: expect.any(Number) as number });
    // The tests ran on a copy: nothing was written into the repository.
    expect(existsSync(join(repo, '.pytest_cache'))).toBe(false);
    expect(readdirSync(join(repo, 'tests')).sort()).toEqual(['__init__.py', 'test_pricing.py']);
  }, 300_000);

  it('uses V8 coverage per test file for node:test, with the test command detected from package.json', () => {
    const repo = mkdtempSync(join(tmpdir(), 'mimo-localize-node-'));
    cpSync(new URL('../fixtures/localize/node-bug', import.meta.url).pathname, repo, { recursive: true });
    const result = spawnSync(process.execPath, [bin, 'localize', '--repo', repo], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(result.status).toBe(0);
    const suspects = JSON.parse(result.stdout) as Array<{ file: string; line: number; score: number }>;
    const top5 = suspects.slice(0, 5).map((s) => `${s.file}:${s.line}`);
    expect(top5).toContain('src/pricing.js:13');
    // Lines only passing test files ran (shipping) rank below the bug.
    const bug = suspects.find((s) => s.file === 'src/pricing.js' && s.line === 13)!;
    for (const s of suspects.filter((x) => x.file === 'src/pricing.js' && x.line <= 5))
      expect(s.score).toBeLessThan(bug.score);
  }, 300_000);

  it('exits 2 with a reason when the repository does not exist', () => {
    const result = spawnSync(process.execPath, [bin, 'localize', '--repo', '/nonexistent/repo'], {
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--repo \/nonexistent\/repo: no such directory/);
  });
});
