// Webhook acknowledgement latency: 100 concurrent signed `/mimo fix` deliveries over HTTP to the real server
// (startServer + createMimoApp, as `npm start` runs them: the inbox in front of Probot, triage in the same
// process), with an instant and with a slow (3 s per call) GitHub stub, next to a bare node:http server that only
// verifies the HMAC and writes the body to the same kind of store (a SQLite inbox), one server after the other. Prints p50/p95/p99 in ms for each and the ratio to the bare one.
import { fork } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startServer, createMimoApp } from '../dist/app/index.js';
import { SqliteInbox } from '../dist/jobs/index.js';
import { readEnv } from '../dist/config/index.js';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples');
const openapi = require('@octokit/openapi/generated/api.github.com.json').components.examples;
const ex = (name) => structuredClone(openapi[name].value);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = 100;
const SLOW_MS = 3000;
const dir = mkdtempSync(join(tmpdir(), 'mimo-bench-webhook-'));

function githubStub(latencyMs) {
  const server = createServer((req, res) => {
    const json = (status, body) =>
      setTimeout(
        () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
        latencyMs,
      );
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

const secret = 'bench-secret';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

async function mimoServer(name, stub) {
  const env = {
    APP_ID: '1',
    PRIVATE_KEY: pem,
    WEBHOOK_SECRET: secret,
    HOST: '127.0.0.1',
    GHE_HOST: `127.0.0.1:${stub.address().port}`,
    GHE_PROTOCOL: 'http',
    MIMO_DB: join(dir, `${name}.sqlite`),
    MIMO_EMBEDDED_WORKER: 'false',
    MIMO_RUNS_DIR: join(dir, `${name}-runs`),
    // Recovery off: the stubs have no deliveries API.
    MIMO_RECOVERY_WINDOW_HOURS: '0',
    ...(process.env.BENCH_TRIAGE_CONCURRENCY
      ? { MIMO_TRIAGE_CONCURRENCY: process.env.BENCH_TRIAGE_CONCURRENCY }
      : {}),
  };
  const mimo = createMimoApp(readEnv(env));
  const running = await startServer({
    appFn: mimo.appFn,
    webhooks: mimo.webhooks,
    port: 0,
    env,
    log: pino({ level: process.env.BENCH_LOG ?? 'silent' }),
  });
  return { url: `http://127.0.0.1:${running.port}/api/github/webhooks`, stop: () => running.stop(), mimo };
}

/** The floor: read the body, check the HMAC, one INSERT into the same kind of store, 202. */
async function bareServer() {
  const inbox = new SqliteInbox(join(dir, 'bare.sqlite'), { maxPending: 1_000_000 });
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const expected = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    if (expected !== req.headers['x-hub-signature-256']) return res.writeHead(401).end();
    const id = String(req.headers['x-github-delivery']);
    await inbox.put({ id, event: 'issue_comment', payload: body.toString('utf8'), receivedAt: Date.now() });
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"message":"accepted"}');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/api/github/webhooks`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await inbox.close();
    },
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const template = examples.find((e) => e.name === 'issue_comment').examples[0];
let pr = 1;
/** A `/mimo fix` delivery on its own PR, signed as GitHub signs it (built before the clock starts). */
function signed() {
  const body = JSON.stringify({
    ...structuredClone(template),
    installation: { id: 1 },
    issue: { ...template.issue, number: pr++, pull_request: { url: 'x' } },
    comment: { ...template.comment, body: '/mimo fix' },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-github-event': 'issue_comment',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  };
}

// The sender runs in its own process (scripts/burst-sender.js), so its CPU is not the servers' CPU.
const sender = fork(join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'burst-sender.js'));
function burst(url, count) {
  const deliveries = Array.from({ length: count }, signed);
  return new Promise((resolve, reject) => {
    sender.once('message', (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply.times)));
    sender.send({ url, deliveries });
  });
}

const instantStub = await githubStub(0);
const slowStub = await githubStub(SLOW_MS);
// One server at a time, so one server's background triage does not run beside another's acknowledgements; the
// app servers' own triage does run beside their acknowledgements, as in production.
const makers = {
  bare: () => bareServer(),
  instant_github: () => mimoServer('instant', instantStub),
  slow_github: () => mimoServer('slow', slowStub),
};
const results = {};
const started = [];
const loadBefore = loadavg()[0];
// BENCH_ONLY=instant_github (a comma list) measures only those servers, e.g. under `node --cpu-prof`.
const only = process.env.BENCH_ONLY?.split(',');
for (const [name, make] of Object.entries(makers)) {
  if (only && !only.includes(name)) continue;
  const server = await make();
  await burst(server.url, 10); // warm-up
  const all = [];
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const times = await burst(server.url, CONCURRENCY);
    all.push(...times);
    times.sort((a, b) => a - b);
    rounds.push(+percentile(times, 50).toFixed(1));
  }
  all.sort((a, b) => a - b);
  results[name] = {
    deliveries: all.length,
    p50_ms: +percentile(all, 50).toFixed(2),
    p95_ms: +percentile(all, 95).toFixed(2),
    p99_ms: +percentile(all, 99).toFixed(2),
    round_p50_ms: rounds,
  };
  // Its triage stops (the deliveries still waiting stay in its inbox file); its port stays taken until the end, so
  // the client's kept-alive connections never meet another server on a reused port.
  await server.mimo?.close();
  started.push(server);
}
for (const server of started) await server.stop();
for (const name of ['instant_github', 'slow_github'])
  if (results[name] && results.bare)
    results[name].p99_vs_bare = +(results[name].p99_ms / results.bare.p99_ms).toFixed(2);
console.log(
  JSON.stringify({
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    slow_github_ms: SLOW_MS,
    load_average_1m: [+loadBefore.toFixed(2), +loadavg()[0].toFixed(2)],
    ...results,
  }),
);
instantStub.close();
slowStub.close();
sender.kill();
process.exit(0);
