// Feedback benchmarks (method and figures in bench/README.md, section "Feedback"):
//  1. parse throughput (MB/s) and memory on 50 MB logs assembled from the real-runner fixtures, streamed from disk
//     through FeedbackStream in 64 KiB chunks as `mimo parse` does;
//  2. compression: raw-log tokens → rendered tokens (default 1,500-token budget) on logs over 1 MB, checking that
//     every distinct failure location of the log is still named in the rendered text.
import { createReadStream, mkdtempSync, readFileSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { setInterval, clearInterval } from 'node:timers';
import { join } from 'node:path';
import { FeedbackStream, estimateTokens, parseTestOutput, renderFeedback } from '../dist/feedback/index.js';

const fixtures = new URL('../test/fixtures/feedback/', import.meta.url).pathname;
const MB = 1024 * 1024;
const LOGS = [
  'pytest/long.log',
  'jest/default.log',
  'node-test/tap.log',
  'go/verbose.log',
  'cargo/backtrace.log',
  'junit/pytest.xml',
];

function assemble(path, fixture, bytes) {
  const unit = readFileSync(join(fixtures, fixture));
  const fd = openSync(path, 'w');
  let written = 0;
  while (written < bytes) written += writeSync(fd, unit);
  closeSync(fd);
  return written;
}

async function parseFile(path) {
  const stream = new FeedbackStream();
  let peakRss = 0;
  let peakHeap = 0;
  const measure = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };
  const sample = setInterval(measure, 20);
  const start = process.hrtime.bigint();
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    stream.write(chunk);
    measure();
  }
  const report = stream.end();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(sample);
  return { report, seconds, peakRss, peakHeap };
}

const dir = mkdtempSync(join(tmpdir(), 'mimo-bench-feedback-'));
const throughput = {};
try {
  for (const fixture of LOGS) {
    globalThis.gc?.();
    const baseHeap = process.memoryUsage().heapUsed;
    // Memory is flat when a 5 MB and a 50 MB log of the same content peak at about the same RSS.
    const small = join(dir, 'small.log');
    assemble(small, fixture, 5 * MB);
    const a = await parseFile(small);
    rmSync(small);
    globalThis.gc?.();
    const big = join(dir, 'big.log');
    const bytes = assemble(big, fixture, 50 * MB);
    const b = await parseFile(big);
    rmSync(big);
    throughput[fixture] = {
      mb: +(bytes / MB).toFixed(1),
      mbPerSecond: +(bytes / MB / b.seconds).toFixed(1),
      failedCounted: b.report.failed,
      failuresKept: b.report.failures.length,
      peakHeapMbAt5MB: +((a.peakHeap - baseHeap) / MB).toFixed(1),
      peakHeapMbAt50MB: +((b.peakHeap - baseHeap) / MB).toFixed(1),
      peakRssMbAt50MB: +(b.peakRss / MB).toFixed(1),
    };
    process.stderr.write(`${fixture}: ${JSON.stringify(throughput[fixture])}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Compression on logs over 1 MB: each real fixture repeated to 1.2 MB (a CI log of a big suite repeating the
// same few failures), parsed and rendered with the default budget.
const compression = {};
for (const fixture of [
  'pytest/long.log',
  'pytest/showlocals.log',
  'unittest/verbose.log',
  'jest/default.log',
  'vitest/default.log',
  'mocha/spec.log',
  'node-test/spec.log',
  'node-test/tap.log',
  'tsc/pretty.log',
  'eslint/stylish.log',
  'go/verbose.log',
  'cargo/backtrace.log',
  'junit/jest.xml',
  'generic/python-crash.log',
]) {
  const unit = readFileSync(join(fixtures, fixture), 'utf8');
  const raw = unit.repeat(Math.ceil((1.2 * MB) / unit.length));
  const report = parseTestOutput(raw);
  const rendered = renderFeedback(report);
  const locations = [
    ...new Set(report.failures.map((f) => (f.line ? `${f.file}:${f.line}` : f.file)).filter(Boolean)),
  ];
  const missing = locations.filter((l) => !rendered.includes(l));
  compression[fixture] = {
    rawTokens: estimateTokens(raw),
    renderedTokens: estimateTokens(rendered),
    ratio: +(estimateTokens(raw) / estimateTokens(rendered)).toFixed(1),
    locations: locations.length,
    locationsKept: locations.length - missing.length,
  };
}
// For reference, the single-run fixtures themselves (0.5–8 KB, below the 1 MB the goal is about).
const single = Object.keys(compression).map((fixture) => {
  const raw = readFileSync(join(fixtures, fixture), 'utf8');
  return +(estimateTokens(raw) / estimateTokens(renderFeedback(parseTestOutput(raw)))).toFixed(2);
});
const ratios = Object.values(compression).map((c) => c.ratio);
const speeds = Object.values(throughput).map((t) => t.mbPerSecond);
const figures = {
  parseMbPerSecondMin: Math.min(...speeds),
  parseMbPerSecondMedian: speeds.sort((a, b) => a - b)[Math.floor(speeds.length / 2)],
  peakHeapMbAt50MBMax: Math.max(...Object.values(throughput).map((t) => t.peakHeapMbAt50MB)),
  peakRssMbAt50MBMax: Math.max(...Object.values(throughput).map((t) => t.peakRssMbAt50MB)),
  loadAverage: +os.loadavg()[0].toFixed(1),
  compressionRatioMin: Math.min(...ratios),
  everyLocationKept: Object.values(compression).every((c) => c.locationsKept === c.locations),
  singleRunFixtureRatioMin: Math.min(...single),
  singleRunFixtureRatioMedian: single.sort((a, b) => a - b)[Math.floor(single.length / 2)],
  throughput,
  compression,
};
console.log(JSON.stringify(figures));
