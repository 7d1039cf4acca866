// The durable inbox over Redis, end to end: the web tier (`npm start` with REDIS_URL and no embedded worker)
// acknowledges and stores each delivery in Redis; a kill -9 between the acknowledgement and triage loses nothing,
// whether the app itself comes back or a `mimo worker` (which triages the shared inbox too) takes over. Real app
// and worker processes, a real redis-server of this test's own (the app's key names are fixed, so a private
// server is this test's namespace on a shared machine), the GitHub double, real Docker for the job.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import type { RepairRequest } from '../../src/app/index.js';
import { openQueue, RedisInbox } from '../../src/jobs/index.js';
import { startGitHubDouble, type GitHubDouble, type RepoState } from './github-double/index.js';
import { eventually, startAppProcess, startWorkerProcess } from './app-process.js';
import { commentPayload } from './payloads.js';

const TIMEOUT = 600_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the webhook inbox on Redis', () => {
  let double: GitHubDouble;
  let redis: ChildProcess;
  let REDIS_URL: string;
  // Not the default `mimo`: every key the app and its worker write is found under the operator's prefix.
  const PREFIX = 'mimo-e2e';
  let inbox: RedisInbox;
  const stops: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    double = await startGitHubDouble();
    const port = await freePort();
    redis = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let out = '';
    redis.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    await eventually('redis-server to accept connections', () => out.includes('Ready to accept'), 30_000);
    REDIS_URL = `redis://127.0.0.1:${port}`;
    inbox = new RedisInbox(new Redis(REDIS_URL), `${PREFIX}:inbox`, { maxPending: 1 });
  }, TIMEOUT);
  afterEach(async () => {
    double.faults.latencyMs = 0;
    for (const stop of stops.splice(0).reverse()) await stop();
    expect(double.violations).toEqual([]);
  }, TIMEOUT);
  afterAll(async () => {
    await inbox?.close();
    if (redis && redis.exitCode === null) {
      redis.kill('SIGTERM');
      await once(redis, 'exit');
    }
    await double?.close();
  });

  function pullRequest(name: string): { repo: RepoState; number: number; sha: string } {
    const repo = double.state.createRepo(name, {
      'a.py': 'x = 1\n',
      'tests/test_a.py': 'def test_a():\n    pass\n',
    });
    repo.permissions.set('maintainer', 'write');
    const pull = double.state.openPullRequest(repo, {
      branch: 'change',
      files: { 'a.py': 'x = 2\n' },
      title: 'Change',
    });
    return { repo, number: pull.number, sha: pull.headSha };
  }
  const webTier = () => ({
    REDIS_URL,
    MIMO_REDIS_PREFIX: PREFIX,
    MIMO_EMBEDDED_WORKER: 'false',
    MIMO_TRIAGE_BACKOFF_MS: '200',
  });
  const reactions = (name: string) =>
    double.requests.filter(
      (r) => r.method === 'POST' && r.path.startsWith(`/repos/${name}/`) && r.path.endsWith('/reactions'),
    );
  async function jobsOf(scope: string) {
    const queue = openQueue<RepairRequest>({ redisUrl: REDIS_URL, prefix: PREFIX });
    try {
      return await queue.list({ scope });
    } finally {
      await queue.close();
    }
  }

  /** The web tier acknowledges a /mimo fix and dies (kill -9) while triage waits for its first GitHub answer. */
  async function acknowledgedThenKilled(name: string) {
    const target = pullRequest(name);
    const first = await startAppProcess(double, webTier());
    stops.push(() => first.stop());
    double.faults.latencyMs = 3_000;
    const { status, id } = await double.deliver(
      first.webhookUrl,
      'issue_comment',
      commentPayload(double, target.repo, target.number, '/mimo fix', 'maintainer'),
    );
    expect(status).toBe(202);
    // Stored in Redis by the acknowledgement itself, before any triage.
    expect(await inbox.get(id)).toMatchObject({ id, event: 'issue_comment' });
    await until('triage to take the delivery', async () => (await inbox.get(id))?.state === 'triaging');
    await first.stop('SIGKILL');
    double.faults.latencyMs = 0;
    expect((await inbox.get(id))?.state).not.toBe('done');
    return { ...target, id };
  }

  it(
    'triages a delivery stored before a kill -9 once the app is back: one decision, one job, one reaction',
    async () => {
      const { id, number } = await acknowledgedThenKilled('octo/redis-killed');
      const again = await startAppProcess(double, webTier());
      stops.push(() => again.stop());
      await until('the stored delivery to be triaged', async () => (await inbox.get(id))?.state === 'done');
      expect((await inbox.get(id))?.decision).toMatchObject({ outcome: 'enqueued' });
      await eventually('the 👀 reaction', () => reactions('octo/redis-killed').length > 0);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(reactions('octo/redis-killed')).toHaveLength(1);
      expect(await jobsOf(`octo/redis-killed#${number}`)).toHaveLength(1);
    },
    TIMEOUT,
  );

  it(
    'lets a mimo worker triage what the dead web tier stored, and run the job once',
    async () => {
      const { id, number, repo, sha } = await acknowledgedThenKilled('octo/redis-worker');
      const worker = startWorkerProcess(double, {
        REDIS_URL,
        MIMO_REDIS_PREFIX: PREFIX,
        MIMO_TRIAGE_BACKOFF_MS: '200',
      });
      stops.push(() => worker.stop());
      await until('the worker to triage the delivery', async () => (await inbox.get(id))?.state === 'done');
      const decision = (await inbox.get(id))?.decision;
      expect(decision).toMatchObject({ outcome: 'enqueued' });
      expect(worker.output()).toMatch(/triaging stored deliveries, 8 at a time/);
      expect(worker.output()).toMatch(new RegExp(`triage: enqueued: repair of octo/redis-worker#${number}@`));
      const check = await eventually(
        'the job to conclude its check run',
        () => repo.checkRuns.find((c) => c.headSha === sha && c.status === 'completed'),
        TIMEOUT - 120_000,
      );
      // The PR's tests pass: the repair finds nothing to fix.
      expect(check.conclusion).toBe('neutral');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(repo.checkRuns.filter((c) => c.headSha === sha)).toHaveLength(1);
      expect(reactions('octo/redis-worker')).toHaveLength(1);
      const jobs = await jobsOf(`octo/redis-worker#${number}`);
      expect(jobs.map((j) => [j.id, j.state])).toEqual([[decision!.jobId, 'done']]);
      // Everything the web tier and the worker wrote lives under the operator's prefix, nothing under the default.
      const keys = new Redis(REDIS_URL);
      try {
        expect(await keys.keys('mimo:*')).toEqual([]);
        expect((await keys.keys(`${PREFIX}:*`)).length).toBeGreaterThan(2);
      } finally {
        keys.disconnect();
      }
    },
    TIMEOUT,
  );
});
