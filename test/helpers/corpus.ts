import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The corpora's cases whose setup installs packages from the npm registry (mocha, jest, ts-jest, typescript, vitest:
// up to minutes per case on this 2-core machine) run only in the full corpus run, `npm run test:corpus`
// (MIMO_FULL_CORPUS=1); `npm test` and CI run the rest, so CI stays inside its time budget. The same frameworks are
// exercised in CI by the per-runner fixtures (fixers-js-*, fixers-ts-*, localize-mocha, localize-jest, …).

export const fullCorpus = process.env['MIMO_FULL_CORPUS'] === '1';

/** Whether the project at `dir` runs in `npm test` (always, under MIMO_FULL_CORPUS=1). */
export function runsByDefault(dir: string): boolean {
  if (fullCorpus) return true;
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return true;
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).length === 0;
}

/**
 * Cases split into those `npm test` runs and those only the full corpus run does: the ones that install from the
 * npm registry, and those a case marks `full: true` (more of a shape `npm test` already covers) or `slow` (with
 * the reason), kept out of its time budget.
 */
export function splitCases<T extends { repo: string; full?: boolean; slow?: string }>(
  root: string,
  cases: T[],
): { run: T[]; full: T[] } {
  const run = cases.filter((c) => (fullCorpus || !(c.full || c.slow)) && runsByDefault(join(root, c.repo)));
  return { run, full: cases.filter((c) => !run.includes(c)) };
}
