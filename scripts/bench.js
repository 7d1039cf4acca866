// `npm run bench`: runs every bench/*.bench.js (or only those named on the command line) one after another,
// each in its own process so one benchmark's memory does not skew the next, and prints each one's JSON figures.
// Results also go to bench/results/latest.json. Method and figures are explained in bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-built.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureBuilt();
const only = process.argv.slice(2);
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((name) => f.startsWith(name)))
  .sort();
if (files.length === 0) {
  console.error(`no benchmark matches ${only.join(' ') || 'bench/*.bench.js'}`);
  process.exit(2);
}
const results = {};
let failed = false;
for (const file of files) {
  console.error(`\n== ${file}`);
  const run = spawnSync(process.execPath, ['--expose-gc', join(root, 'bench', file)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    failed = true;
    results[file] = { error: `exit ${run.status}` };
    continue;
  }
  try {
    results[file] = JSON.parse(run.stdout.trim().split('\n').pop());
  } catch {
    results[file] = { output: run.stdout.trim() };
  }
  console.log(JSON.stringify({ [file]: results[file] }, null, 2));
}
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'latest.json'),
  JSON.stringify({ date: new Date().toISOString(), results }, null, 2),
);
process.exit(failed ? 1 : 0);
