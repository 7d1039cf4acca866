// A 100 MB GitHub Actions job log (the real Maven output of the failing step, repeated as a long suite would
// print it) streams through FeedbackStream in 64 KiB chunks without the log ever being in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedbackStream } from '../../src/feedback/index.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const MB = 1024 * 1024;
const SIZE = Number(process.env.MIMO_STREAM_TEST_MB ?? 100) * MB;

function* actionsLog(): Generator<string> {
  const stamp = '2026-11-30T10:00:00.1234567Z ';
  const at = (lines: string[]) => lines.map((l) => `${stamp}${l}\n`).join('');
  yield at(["Current runner version: '2.321.0'", '##[group]Run mvn -B test', 'mvn -B test', '##[endgroup]']);
  const unit = at(readFileSync(join(root, 'maven/surefire.log'), 'utf8').trimEnd().split('\n'));
  for (let written = 0; written < SIZE; written += unit.length) yield unit;
  yield at(['##[error]Process completed with exit code 1.', 'Post job cleanup.']);
}

it('streams a 100 MB Actions log in bounded memory, counting every failure', () => {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = 0;
  let chunks = 0;
  let units = -2;
  const stream = new FeedbackStream();
  for (const piece of actionsLog()) {
    units++;
    for (let o = 0; o < piece.length; o += 64 * 1024) {
      stream.write(piece.slice(o, o + 64 * 1024));
      if (++chunks % 64 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    }
  }
  const report = stream.end();
  expect(report.runner).toBe('maven');
  // Each repetition of the run has 2 failures and 1 pass (its totals add up like a multi-module build).
  expect([report.passed, report.failed]).toEqual([units, 2 * units]);
  expect(report.failures.length).toBe(Math.min(5000, 2 * units));
  expect(report.failures[0]).toMatchObject({ file: 'src/main/java/com/acme/Inventory.java', line: 31 });
  // Well below the log's size: the failures kept (5,000 with frames) and the parser's blocks, not the text.
  expect(peak).toBeLessThan(96 * MB);
}, 600_000);
