// Parse throughput per supported format (method and figures in bench/README.md, section "Parse throughput per
// format"): one real fixture per format, repeated into a 20 MB file, streamed from disk in 64 KiB chunks through
// FeedbackStream as `mimo parse FILE` does (runner detected from the text). Each file is also read by a bare
// line splitter (decode + indexOf('\n') + slice, the minimum any line parser does) in the same run, so the
// ratio parse / bare read shows the parser's own cost whatever the load on the machine. Three runs each, median.
import { createReadStream, mkdtempSync, readFileSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { FeedbackStream } from '../dist/feedback/index.js';

const fixtures = new URL('../test/fixtures/feedback/', import.meta.url).pathname;
const MB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_FORMAT_MB ?? 20) * MB;
const RUNS = 3;
const FORMATS = {
  pytest: 'pytest/long.log',
  unittest: 'unittest/verbose.log',
  jest: 'jest/default.log',
  'jest --json': 'jest/json.log',
  vitest: 'vitest/default.log',
  'vitest json': 'vitest/json.log',
  'mocha spec': 'mocha/spec.log',
  'mocha json': 'mocha/json.log',
  'mocha tap': 'mocha/tap.log',
  'node:test spec': 'node-test/spec.log',
  'node:test tap': 'node-test/tap.log',
  tsc: 'tsc/plain.log',
  'eslint stylish': 'eslint/stylish.log',
  'eslint json': 'eslint/json.log',
  flake8: 'python-lint/flake8.log',
  ruff: 'python-lint/ruff-full-0.6.log',
  pylint: 'python-lint/pylint.log',
  'pylint json': 'python-lint/pylint-json.log',
  'go test -v': 'go/verbose.log',
  'go test -json': 'go/subtests-json.log',
  'cargo test': 'cargo/backtrace.log',
  'libtest json': 'cargo/libtest-json.log',
  'JUnit XML (pytest)': 'junit/pytest.xml',
  'JUnit XML (Surefire)': 'junit/surefire.xml',
  TRX: 'dotnet/vs2012.trx',
  maven: 'maven/surefire.log',
  'maven compile': 'maven/compile-error.log',
  gradle: 'gradle/test-full.log',
  javac: 'javac/javac.log',
  rspec: 'rspec/default.log',
  minitest: 'minitest/rake.log',
  phpunit: 'phpunit/default.log',
  'dotnet test': 'dotnet/shapetracker.log',
  'Actions log (maven)': 'actions/maven.log',
};

function assemble(path, fixture) {
  // Each copy starts on a line of its own, as a log of several runs holds them (a fixture saved without its
  // last newline would otherwise glue one JSON document's `}` to the next one's `{`).
  let unit = readFileSync(join(fixtures, fixture));
  if (unit[unit.length - 1] !== 0x0a) unit = Buffer.concat([unit, Buffer.from('\n')]);
  const fd = openSync(path, 'w');
  let written = 0;
  while (written < SIZE) written += writeSync(fd, unit);
  closeSync(fd);
  return written;
}

async function timed(path, consume) {
  const start = process.hrtime.bigint();
  const result = await consume(createReadStream(path, { highWaterMark: 64 * 1024 }));
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

async function parse(input) {
  const stream = new FeedbackStream();
  for await (const chunk of input) stream.write(chunk);
  return stream.end();
}

async function bareLines(input) {
  const decoder = new TextDecoder('utf-8');
  let partial = '';
  let lines = 0;
  for await (const chunk of input) {
    const data = partial + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = data.indexOf('\n', start);
      if (nl < 0) break;
      if (data.slice(start, nl).length >= 0) lines++;
      start = nl + 1;
    }
    partial = data.slice(start);
  }
  return lines;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const dir = mkdtempSync(join(tmpdir(), 'mimo-bench-formats-'));
const formats = {};
try {
  // BENCH_FORMATS=name,name runs only those formats (to re-measure one after a change).
  const only = process.env.BENCH_FORMATS?.split(',').map((f) => f.trim());
  for (const [format, fixture] of Object.entries(FORMATS)) {
    if (only && !only.includes(format)) continue;
    const path = join(dir, 'log');
    const bytes = assemble(path, fixture);
    const parseMbs = [];
    const bareMbs = [];
    let report;
    for (let i = 0; i < RUNS; i++) {
      globalThis.gc?.();
      const b = await timed(path, bareLines);
      bareMbs.push(bytes / MB / b.seconds);
      globalThis.gc?.();
      const p = await timed(path, parse);
      parseMbs.push(bytes / MB / p.seconds);
      report = p.result;
    }
    rmSync(path);
    formats[format] = {
      fixture,
      runner: report.runner,
      mbPerSecond: +median(parseMbs).toFixed(1),
      bareReadMbPerSecond: +median(bareMbs).toFixed(1),
      ratio: +(median(parseMbs) / median(bareMbs)).toFixed(2),
      failedCounted: report.failed,
    };
    process.stderr.write(`${format}: ${JSON.stringify(formats[format])}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const speeds = Object.values(formats).map((f) => f.mbPerSecond);
const ratios = Object.values(formats).map((f) => f.ratio);
// Which formats miss a goal in this run (a printout, not an assertion: the figures depend on the machine's load).
const GOAL_MBS = 50;
const GOAL_RATIO = 0.5;
for (const [format, f] of Object.entries(formats)) {
  const misses = [];
  if (f.mbPerSecond < GOAL_MBS) misses.push(`${f.mbPerSecond} MB/s < ${GOAL_MBS}`);
  if (f.ratio < GOAL_RATIO) misses.push(`ratio ${f.ratio} < ${GOAL_RATIO}`);
  if (misses.length) process.stderr.write(`misses goal: ${format}: ${misses.join(', ')}\n`);
}
const missing = Object.entries(formats)
  .filter(([, f]) => f.mbPerSecond < GOAL_MBS || f.ratio < GOAL_RATIO)
  .map(([format]) => format);
console.log(
  JSON.stringify({
    sizeMb: SIZE / MB,
    runs: RUNS,
    loadAverage: +os.loadavg()[0].toFixed(1),
    mbPerSecondMin: Math.min(...speeds),
    mbPerSecondMedian: median(speeds),
    ratioMin: Math.min(...ratios),
    ratioMedian: median(ratios),
    missingGoal: missing,
    formats,
  }),
);
