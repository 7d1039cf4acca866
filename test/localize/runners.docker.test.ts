// End to end on the real Docker engine and runner image: `mimo localize` on one real-shaped repository per runner
// family (test/fixtures/repos/localize-*, each with one injected logic bug, listed in localize-cases.json) runs the
// inferred setup (npm ci with network for the Node ones), collects the runner's coverage and ranks the bug line in
// its top 5. Nothing reaches the user's directory, and the evidence used is said on stderr.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/mimo.js', import.meta.url).pathname;
const fixtures = new URL('../fixtures/repos/', import.meta.url).pathname;
const cases = JSON.parse(readFileSync(join(fixtures, 'localize-cases.json'), 'utf8')) as Array<{
  repo: string;
  runner: string;
  bug: string;
  test?: string;
  evidence: string;
  /** A case we measure but do not yet meet (said in docs/feedback.md): asserted to answer, not to rank top 5. */
  knownGap?: string;
}>;

describe('mimo localize per runner family (Docker)', () => {
  it.each(cases)(
    '$runner ($repo): the bug line $bug is in the top 5',
    ({ repo: name, bug, test, evidence, knownGap }) => {
      const repo = mkdtempSync(join(tmpdir(), `mimo-${name}-`));
      cpSync(join(fixtures, name), repo, { recursive: true });
      try {
        const result = spawnSync(
          process.execPath,
          [bin, 'localize', '--repo', repo, ...(test ? ['--test', test] : [])],
          { encoding: 'utf8', timeout: 540_000 },
        );
        expect(result.stderr).toMatch(new RegExp(`mimo: evidence: ${evidence}`, 'm'));
        expect(result.status).toBe(0);
        const suspects = JSON.parse(result.stdout) as Array<{ file: string; line: number; score: number }>;
        const top5 = suspects.slice(0, 5).map((s) => `${s.file}:${s.line}`);
        if (knownGap) expect(suspects.length).toBeGreaterThan(0);
        else expect(top5).toContain(bug);
        // The setup and the tests ran on a copy.
        expect(existsSync(join(repo, 'node_modules'))).toBe(false);
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
