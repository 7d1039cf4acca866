// Does serving /metrics and the run pages slow the webhook acknowledgement? The real server (startServer, as
// `npm start` runs it) twice in one process run, measured in alternating rounds so machine load hits both alike:
//  - baseline: no web organ mounted (as before issue 16);
//  - mounted: /metrics and the run pages mounted over a store of 200 finished runs and one live run with 5 open live
//    streams, but no page or scrape during the burst (what mounting costs the webhook path);
//  - mounted_under_load: the same, each burst sent while 20 /metrics scrapes and 20 run-page loads hit the server
//    (what serving them at the same moment costs, on the same 2 cores).
// Each burst is 100 concurrent signed deliveries of a comment that is not a command (signature, routing, parsing:
// the same workload as webhook.bench.js's "ignored"). Prints p50/p95 per setup and the ratio web/baseline.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer, createApp } from '../dist/app/index.js';
import { SqliteQueue } from '../dist/jobs/index.js';
import { Web, runPath } from '../dist/web/index.js';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CONCURRENCY = 100;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const secret = 'bench-secret';
const template = examples.find((e) => e.name === 'issue_comment').examples[0];
const payload = JSON.stringify({
  ...structuredClone(template),
  installation: { id: 1 },
  issue: { ...template.issue, number: 1, pull_request: { url: 'x' } },
  comment: { ...template.comment, body: 'Looks good to me!' },
});
const signature = `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`;

function fakeRun(web, jobId, live) {
  const reporter = web.runs.start({
    jobId,
    installationId: 1,
    repo: 'octo/bench',
    target: '#1',
    title: 'bench',
  });
  for (let i = 0; i < 40; i++)
    reporter.event({
      ts: new Date().toISOString(),
      iteration: i,
      phase: i % 2 ? 'tests' : 'model',
      message: `step ${i} <with> some text`,
      failures: { passed: i, failed: 40 - i, skipped: 0, tests: [] },
      tokens: { input: 1000, output: 200 },
      costUsd: 0.01,
      durationMs: 1200,
    });
  if (!live)
    web.runs.finish(jobId, {
      state: 'done',
      outcome: 'fix pull request #2',
      diff: '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n',
    });
}

async function start(web) {
  const queue = new SqliteQueue({ path: join(mkdtempSync(join(tmpdir(), 'mimo-bench-web-')), 'q.sqlite') });
  const running = await startServer({
    appFn: createApp({ queue, appSlug: 'mimo-code' }),
    port: 0,
    log: pino({ level: 'silent' }),
    ...(web ? { web } : {}),
    env: {
      APP_ID: '1',
      PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      WEBHOOK_SECRET: secret,
      HOST: '127.0.0.1',
    },
  });
  return { running, queue, base: `http://127.0.0.1:${running.port}` };
}

async function burst(base) {
  return Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const t = performance.now();
      const res = await fetch(`${base}/api/github/webhooks`, {
        method: 'POST',
        body: payload,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issue_comment',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': signature,
        },
      });
      await res.text();
      if (res.status !== 200) throw new Error(`delivery answered ${res.status}`);
      return performance.now() - t;
    }),
  );
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const web = new Web({ runsDir: mkdtempSync(join(tmpdir(), 'mimo-bench-runs-')), runsSecret: 'bench' });
for (let i = 0; i < 200; i++) fakeRun(web, `job-${i}`, false);
fakeRun(web, 'job-live', true);
const plain = await start(undefined);
const served = await start(web);
const page = `${served.base}${runPath(web.capabilities, 'job-7')}`;
const stream = `${served.base}${runPath(web.capabilities, 'job-live')}/events`;
const streams = await Promise.all(Array.from({ length: 5 }, () => fetch(stream)));

async function withWebLoad(fn) {
  const side = [
    ...Array.from({ length: 20 }, () => fetch(`${served.base}/metrics`).then((r) => r.text())),
    ...Array.from({ length: 20 }, () => fetch(page).then((r) => r.text())),
  ];
  const times = await fn();
  await Promise.all(side);
  return times;
}

await burst(plain.base);
await withWebLoad(() => burst(served.base));
const times = { baseline: [], mounted: [], mounted_under_load: [] };
for (let round = 0; round < ROUNDS; round++) {
  times.baseline.push(...(await burst(plain.base)));
  times.mounted.push(...(await burst(served.base)));
  times.mounted_under_load.push(...(await withWebLoad(() => burst(served.base))));
}
const summary = {};
for (const [name, list] of Object.entries(times)) {
  list.sort((a, b) => a - b);
  summary[name] = { n: list.length, p50_ms: +pct(list, 50).toFixed(1), p95_ms: +pct(list, 95).toFixed(1) };
}
for (const name of ['mounted', 'mounted_under_load']) {
  summary[`${name}_ratio_p50`] = +(summary[name].p50_ms / summary.baseline.p50_ms).toFixed(2);
  summary[`${name}_ratio_p95`] = +(summary[name].p95_ms / summary.baseline.p95_ms).toFixed(2);
}
for (const s of streams) await s.body?.cancel();
await plain.running.stop();
await served.running.stop();
await plain.queue.close();
await served.queue.close();
console.log(JSON.stringify(summary));
process.exit(0);
