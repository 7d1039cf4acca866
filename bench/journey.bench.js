// Journey 1 timings (issue 9): webhook → first test command started, wall time minus test-command time, and the
// per-test-run overhead of the loop, on the real app process, git, Docker and the GitHub double. jest runs the
// measurement because the double is TypeScript (bench/journey.measure.ts); it asserts nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const out = join(mkdtempSync(join(tmpdir(), 'mimo-bench-journey-')), 'figures.json');
const run = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings',
    'node_modules/jest/bin/jest.js',
    // One project: with the --testMatch below every jest project (unit, engine, e2e) would match it and run it.
    '--selectProjects',
    'engine',
    '--roots',
    '<rootDir>/bench',
    '--testMatch',
    '**/journey.measure.ts',
    '--silent',
  ],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, MIMO_BENCH_OUT: out } },
);
if (run.status !== 0) process.exit(run.status ?? 1);
console.log(readFileSync(out, 'utf8'));
