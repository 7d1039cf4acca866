// `npm test`: the jest projects (jest.config.js) one after another — unit, then engine, then e2e — so that the
// engine-level suites never run beside the end-to-end journeys that kill and restart apps, and CI (.ci/run) runs
// exactly this. Ends with the plain "N passed, N failed" line. With arguments (`npm test -- test/sandbox`, `-t name`)
// it is one plain jest run over all projects with those arguments.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jest = [
  '--experimental-vm-modules',
  '--no-warnings',
  join(root, 'node_modules', 'jest', 'bin', 'jest.js'),
];
const args = process.argv.slice(2);
const run = (extra) =>
  spawnSync(process.execPath, [...jest, ...extra], { cwd: root, stdio: 'inherit' }).status ?? 1;

if (args.length > 0) process.exit(run(args));

const GROUPS = ['unit', 'engine', 'e2e'];
const dir = mkdtempSync(join(tmpdir(), 'mimo-test-'));
let passed = 0;
let failed = 0;
let skipped = 0;
let status = 0;
for (const group of GROUPS) {
  process.stderr.write(`\n== npm test: ${group}\n`);
  const out = join(dir, `${group}.json`);
  if (run(['--selectProjects', group, '--json', `--outputFile=${out}`]) !== 0) status = 1;
  try {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    passed += r.numPassedTests;
    failed += r.numFailedTests + (r.numRuntimeErrorTestSuites || 0);
    skipped += r.numPendingTests;
  } catch {
    failed += 1; // the group wrote no results: it failed before reporting
    status = 1;
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(status);
