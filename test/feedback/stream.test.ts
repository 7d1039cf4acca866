// A 100 MB GitHub Actions job log (the real Maven output of the failing step, repeated as a long suite would
// print it) streams through FeedbackStream in 64 KiB chunks without the log ever being in memory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { jsFrame } from '../../src/feedback/extract.js';
import { FeedbackStream } from '../../src/feedback/index.js';
import { jvmFrame } from '../../src/feedback/parsers/jvm.js';

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

// A kept failure's strings were sliced out of the chunk they were read from: unless copied, each one keeps its
// whole 64 KiB chunk alive, and failures spread over a long log would keep the log itself in memory.
it('keeps only the failures, not the log, when the failures are spread over a long log', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const unit = readFileSync(join(root, 'maven/surefire.log'), 'utf8');
  // The build lines of a module (as a multi-module build prints them for modules without tests) between runs.
  const build = unit.split('\n').slice(1, 21).join('\n') + '\n';
  const piece = unit + build.repeat(30);
  gc();
  const before = process.memoryUsage().heapUsed;
  const stream = new FeedbackStream();
  let units = 0;
  for (let written = 0; written < 48 * MB; written += piece.length, units++) {
    for (let o = 0; o < piece.length; o += 64 * 1024)
      stream.write(Buffer.from(piece.slice(o, o + 64 * 1024)));
  }
  const report = stream.end();
  gc();
  const held = process.memoryUsage().heapUsed - before;
  expect(report.failures.length).toBe(2 * units);
  expect(report.failures[2 * units - 1]).toMatchObject({ file: 'src/test/java/com/acme/InventoryTest.java' });
  // ~3,000 failures with their frames: a few MB. Were the chunks kept, it would be about the log's 48 MB.
  expect(held).toBeLessThan(16 * MB);
}, 600_000);

// The stack-line memos outlive a stream: a key or frame sliced out of a chunk would keep that chunk alive after it.
it('remembers stack lines (JS, JVM) without keeping the chunks they were read from', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const before = process.memoryUsage().heapUsed;
  const pad = 'x'.repeat(64 * 1024);
  const lineOf = (text: string) => {
    const chunk = `${pad}\n${text}\n${pad}`;
    return chunk.slice(pad.length + 1, pad.length + 1 + text.length);
  };
  for (let i = 0; i < 500; i++) {
    const js = jsFrame(lineOf(`    at total${i} (/app/src/cart${i}.js:${i + 1}:7)`));
    expect(js).toMatchObject({ file: `/app/src/cart${i}.js`, line: i + 1, function: `total${i}` });
    const jvm = jvmFrame(lineOf(`\tat com.acme.shop${i}.Cart.total(Cart.java:${i + 1})`));
    expect(jvm).toMatchObject({ file: `src/main/java/com/acme/shop${i}/Cart.java`, line: i + 1 });
  }
  gc();
  // 1,000 chunks of 128 KiB: kept, they would be 125 MB.
  expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * MB);
});
