// `npm run demo`: the founding design's demo, for real. Copies examples/csv-pipeline (a Python CSV pipeline whose
// statistics module lost an import) into a fresh temporary folder and runs `mimo fix --model none` on it: baseline
// test run in the Docker sandbox, the deterministic fixer, proof of fix, live progress on stderr. Then shows what
// changed in the copy and where the iteration log is. No model, no network, no API key.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt } from './ensure-built.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureBuilt();
const example = join(root, 'examples', 'csv-pipeline');
const copy = mkdtempSync(join(tmpdir(), 'mimo-demo-csv-pipeline-'));
cpSync(example, copy, { recursive: true });
process.stderr.write(`mimo demo: repairing a fresh copy of examples/csv-pipeline in ${copy}\n\n`);

const fix = spawnSync(
  process.execPath,
  [join(root, 'bin', 'mimo.js'), 'fix', '--repo', copy, '--model', 'none'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  },
);
if (fix.status === 2) process.exit(2); // bad input (e.g. runner image missing): mimo said why on stderr
const result = JSON.parse(fix.stdout.trim().split('\n').pop() ?? '{}');
process.stderr.write('\n');
for (const file of result.files ?? []) {
  const diff = spawnSync('git', ['diff', '--no-index', '--', join(example, file), join(copy, file)], {
    encoding: 'utf8',
  });
  process.stdout.write(diff.stdout.replaceAll(example, '').replaceAll(copy, ''));
}
process.stdout.write(`\nresult: ${JSON.stringify(result.stop)}\niteration log: ${result.log}\n`);
process.stdout.write(`${readFileSync(result.log, 'utf8').trim().split('\n').length} events in the log\n`);
process.exit(fix.status ?? 1);
