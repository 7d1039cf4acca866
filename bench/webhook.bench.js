// Webhook acknowledgement latency: 100 concurrent signed deliveries over HTTP to the real server (startServer, as
// `npm start` runs it) on loopback, with the real SQLite queue. Two workloads:
//  - ignored: comments that are not commands (signature check, routing, command parsing);
//  - enqueue: `/mimo fix` on 100 different PRs — every GitHub call the handler makes (token, config, permission,
//    reaction, PR, checks, status) answered by a loopback stub, then the SQLite enqueue.
// Prints p50/p95/p99 in ms for each. The stub answers instantly, so GitHub's own latency is not included.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer, createApp } from '../dist/app/index.js';
import { SqliteQueue } from '../dist/jobs/index.js';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples');
const openapi = require('@octokit/openapi/generated/api.github.com.json').components.examples;
const ex = (name) => structuredClone(openapi[name].value);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 100;

function githubStub() {
  const server = createServer((req, res) => {
    const json = (status, body) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = req.url ?? '';
    req.resume();
    if (url.includes('/access_tokens')) return json(201, ex('installation-token'));
    if (url.includes('/contents/')) return json(404, { message: 'Not Found' });
    if (url.includes('/permission'))
      return json(200, {
        ...ex('repository-collaborator-permission-response-if-user-has-admin-permissions'),
        permission: 'write',
      });
    if (url.includes('/reactions')) return json(201, ex('reaction'));
    if (url.includes('/check-runs'))
      return json(200, {
        total_count: 1,
        check_runs: [{ ...ex('check-run'), status: 'completed', conclusion: 'failure', name: 'tests' }],
      });
    if (url.includes('/status')) return json(200, { ...ex('combined-commit-status'), statuses: [] });
    const pull = /\/pulls\/(\d+)$/.exec(url);
    if (pull) {
      const pr = ex('pull-request');
      pr.number = Number(pull[1]);
      pr.head.sha = `${pull[1].padStart(8, '0')}${'a'.repeat(32)}`;
      return json(200, pr);
    }
    json(404, { message: `stub: ${req.method} ${url}` });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function burst(url, secret, payloads) {
  const times = await Promise.all(
    payloads.map(async (payload) => {
      const body = JSON.stringify(payload);
      const signature = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
      const start = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issue_comment',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': signature,
        },
      });
      await res.text();
      if (res.status !== 200) throw new Error(`delivery answered ${res.status}`);
      return performance.now() - start;
    }),
  );
  return times;
}

const stub = await githubStub();
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const secret = 'bench-secret';
const queue = new SqliteQueue({ path: join(mkdtempSync(join(tmpdir(), 'mimo-bench-')), 'q.sqlite') });
const running = await startServer({
  appFn: createApp({ queue, appSlug: 'mimo-code' }),
  port: 0,
  log: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
  env: {
    APP_ID: '1',
    PRIVATE_KEY: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    WEBHOOK_SECRET: secret,
    HOST: '127.0.0.1',
    GHE_HOST: `127.0.0.1:${stub.address().port}`,
    GHE_PROTOCOL: 'http',
  },
});
const url = `http://127.0.0.1:${running.port}/api/github/webhooks`;
const template = examples.find((e) => e.name === 'issue_comment').examples[0];
const comment = (body, n) => ({
  ...structuredClone(template),
  installation: { id: 1 },
  issue: { ...template.issue, number: n, pull_request: { url: 'x' } },
  comment: { ...template.comment, body },
});

const results = {};
let pr = 1;
for (const [name, make] of [
  ['ignored', () => comment('Looks good to me!', 1)],
  ['enqueue', () => comment('/mimo fix', pr++)],
]) {
  await burst(url, secret, Array.from({ length: 10 }, make)); // warm-up
  const all = [];
  for (let round = 0; round < ROUNDS; round++)
    all.push(...(await burst(url, secret, Array.from({ length: CONCURRENCY }, make))));
  all.sort((a, b) => a - b);
  results[name] = {
    deliveries: all.length,
    p50_ms: +percentile(all, 50).toFixed(1),
    p95_ms: +percentile(all, 95).toFixed(1),
    p99_ms: +percentile(all, 99).toFixed(1),
  };
}
results.jobs_enqueued = (await queue.list()).length;
await running.stop();
await queue.close();
stub.close();
console.log(JSON.stringify({ concurrency: CONCURRENCY, rounds: ROUNDS, ...results }));
