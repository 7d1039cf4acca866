// Job queue figures for both backends (SQLite on a temp file; BullMQ on a throwaway redis-server when one is
// installed): what `enqueue` costs the webhook handler, how soon an idle worker starts an enqueued job, and how many
// no-op jobs a worker gets through. Prints one JSON object; method and figures are in bench/README.md (section "Jobs").
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { BullmqQueue, SqliteQueue } from '../dist/jobs/index.js';

const ENQUEUES = 500;
const PICKUPS = 100;
const THROUGHPUT_JOBS = 300;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x) => Math.round(x * 1000) / 1000;
  return { p50_ms: round(percentile(sorted, 50)), p99_ms: round(percentile(sorted, 99)), n: sorted.length };
}

async function measure(open) {
  // enqueue latency (no worker): what the webhook handler waits for before it can answer GitHub
  let queue = open();
  const enqueue = [];
  for (let i = 0; i < ENQUEUES; i++) {
    const start = performance.now();
    await queue.enqueue({ key: `e${i}`, group: `g${i % 50}`, payload: { i } });
    enqueue.push(performance.now() - start);
  }
  await queue.close();

  // pickup latency: enqueue → handler start, one job at a time, idle worker in the same process
  queue = open();
  const pickup = [];
  let started;
  let notify = () => {};
  const worker = queue.process(
    async () => {
      started = performance.now();
      notify();
    },
    { concurrency: 1 },
  );
  for (let i = 0; i < PICKUPS; i++) {
    const ran = new Promise((resolve) => (notify = resolve));
    const start = performance.now();
    await queue.enqueue({ key: `p${i}`, group: 'pickup', payload: { i } });
    await ran;
    pickup.push(started - start);
  }
  await worker.close();
  await queue.close();

  // throughput: no-op jobs over 20 groups, concurrency 4
  queue = open();
  for (let i = 0; i < THROUGHPUT_JOBS; i++)
    await queue.enqueue({ key: `t${i}`, group: `t${i % 20}`, payload: { i } });
  let done = 0;
  let finished = () => {};
  const all = new Promise((resolve) => (finished = resolve));
  const start = performance.now();
  const busy = queue.process(
    async () => {
      if (++done === THROUGHPUT_JOBS) finished();
    },
    { concurrency: 4 },
  );
  await all;
  const seconds = (performance.now() - start) / 1000;
  await busy.close();
  await queue.close();
  return {
    enqueue: stats(enqueue),
    pickup: stats(pickup),
    throughput_jobs_per_s: Math.round(THROUGHPUT_JOBS / seconds),
  };
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null;
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', () => reject(new Error(`redis-server exited: ${out}`)));
  });
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

const dir = mkdtempSync(join(tmpdir(), 'mimo-bench-jobs-'));
const results = {};
try {
  let n = 0;
  results.sqlite = await measure(() => new SqliteQueue({ path: join(dir, `q${++n}.sqlite`) }));
  const redis = await startRedis();
  if (redis) {
    try {
      results.bullmq = await measure(() => new BullmqQueue({ url: redis.url, queueName: `bench${++n}` }));
    } finally {
      redis.stop();
    }
  } else results.bullmq = { skipped: 'redis-server is not installed' };
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(results)}\n`);
