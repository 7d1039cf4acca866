// One `mimo localize` case on the real Docker engine: a fixture repository copied to a temp dir, the CLI run on it,
// and the rank of the injected bug line. Shared by the per-runner cases and the corpus.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../../bin/mimo.js', import.meta.url).pathname;

export interface LocalizeCase {
  repo: string;
  runner: string;
  /** `file:line` of the injected bug. */
  bug: string;
  test?: string;
  /** What the CLI must say it used (a regex after `mimo: evidence: `). */
  evidence: string;
  /** A case we measure but do not yet meet (said in docs/feedback.md): asserted to answer, not to rank top 5. */
  knownGap?: string;
  /** Why the case runs only in the full corpus run (`npm run test:corpus`) though it installs nothing. */
  slow?: string;
}

export function runLocalizeCase(fixtures: string, c: LocalizeCase): void {
  const repo = mkdtempSync(join(tmpdir(), `mimo-${c.repo}-`));
  cpSync(join(fixtures, c.repo), repo, { recursive: true });
  try {
    const result = spawnSync(
      process.execPath,
      [bin, 'localize', '--repo', repo, ...(c.test ? ['--test', c.test] : [])],
      { encoding: 'utf8', timeout: 540_000 },
    );
    expect(result.stderr).toMatch(new RegExp(`mimo: evidence: ${c.evidence}`, 'm'));
    expect(result.status).toBe(0);
    const suspects = JSON.parse(result.stdout) as Array<{ file: string; line: number; score: number }>;
    const top5 = suspects.slice(0, 5).map((s) => `${s.file}:${s.line}`);
    if (c.knownGap) expect(suspects.length).toBeGreaterThan(0);
    else expect(top5).toContain(c.bug);
    // The setup and the tests ran on a copy.
    expect(existsSync(join(repo, 'node_modules'))).toBe(false);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}
