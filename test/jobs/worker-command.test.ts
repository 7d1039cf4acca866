// `mimo worker`: opens the queue named by the environment and runs its jobs with the app's real job handler.
// GitHub is nock (recorded wire format) refusing the installation token, so a job the worker takes reaches GitHub
// with the App's JWT and then fails with GitHub's answer.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Command } from 'commander';
import nock from 'nock';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RepairRequest } from '../../src/app/index.js';
import { register, runWorker, queueLabel } from '../../src/cli/commands/worker.js';
import { UsageError } from '../../src/cli/program.js';
import { openQueue } from '../../src/jobs/index.js';
import { readEnv } from '../../src/config/index.js';
import { RedisServer, freePort, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mimo-worker-'));
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
let redis: RedisServer;

beforeAll(async () => {
  redis = await RedisServer.start();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1'); // the real redis-server
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

function request(installationId: number): RepairRequest {
  return {
    mode: 'repair',
    trigger: 'comment',
    deliveryId: randomUUID(),
    installationId,
    repo: {
      owner: 'octo-org',
      name: 'hello',
      fullName: 'octo-org/hello',
      cloneUrl: 'https://github.com/octo-org/hello.git',
      defaultBranch: 'main',
    },
    requestedBy: 'octocat',
  };
}

describe('mimo worker', () => {
  it.each([
    ['SQLite (MIMO_DB)', false],
    ['BullMQ (REDIS_URL)', true],
  ])('takes a job from %s and runs it with the app handler as the GitHub App', async (_label, useRedis) => {
    const env = {
      APP_ID: '31337',
      PRIVATE_KEY: privateKey,
      LOG_LEVEL: 'fatal',
      MIMO_WORK_DIR: dir,
      ...(useRedis ? { REDIS_URL: redis.url } : { MIMO_DB: join(dir, `${randomUUID()}.sqlite`) }),
    };
    const installationId = useRedis ? 902 : 901;
    let authorization = '';
    const github = nock('https://api.github.com')
      .post(`/app/installations/${installationId}/access_tokens`)
      .reply(function () {
        authorization = String(this.req.headers.authorization);
        return [
          401,
          { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
        ];
      });
    const producer = openQueue<RepairRequest>({ env });
    const { id } = await producer.enqueue({
      key: `k-${randomUUID()}`,
      group: 'octo-org/hello',
      payload: request(installationId),
    });
    const lines: string[] = [];
    const stop = new AbortController();
    let crashed: unknown;
    const running = runWorker({ concurrency: 1, env, stop: stop.signal, log: (line) => lines.push(line) });
    running.catch((error: unknown) => (crashed = error ?? 'rejected'));
    let job;
    try {
      await waitFor('the worker to fail the job at GitHub', async () => {
        if (crashed) throw crashed;
        return (await producer.get(id))?.state === 'failed';
      });
      stop.abort();
      await running;
      job = await producer.get(id);
    } finally {
      stop.abort();
      await running.catch(() => undefined);
      await producer.close();
    }
    expect(github.isDone()).toBe(true);
    expect(job?.reason).toMatch(/Bad credentials/);
    const claims = JSON.parse(Buffer.from(authorization.split('.')[1]!, 'base64url').toString()) as {
      iss: unknown;
    };
    expect(authorization).toMatch(/^bearer /i);
    expect(String(claims.iss)).toBe('31337');
    expect(lines[0]).toMatch(
      useRedis ? /taking jobs from BullMQ on redis:\/\/127\.0\.0\.1/ : /taking jobs from SQLite .*\.sqlite/,
    );
    expect(lines.at(-1)).toBe('mimo worker: stopped');
  });

  it('refuses to start without the App credentials, naming the missing variable', async () => {
    const stop = new AbortController();
    const run = runWorker({ concurrency: 1, env: { APP_ID: '1', MIMO_DB: ':memory:' }, stop: stop.signal });
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/PRIVATE_KEY \(or PRIVATE_KEY_PATH\) is not set/);
  });

  it('fails with an actionable message when Redis is not there', async () => {
    const port = await freePort();
    const run = runWorker({
      concurrency: 1,
      env: { APP_ID: '1', PRIVATE_KEY: privateKey, REDIS_URL: `redis://127.0.0.1:${port}` },
      stop: new AbortController().signal,
      log: () => {},
    });
    await expect(run).rejects.toThrow(
      new RegExp(
        `cannot reach the job queue \\(BullMQ on redis://127\\.0\\.0\\.1:${port}/?\\).*check that REDIS_URL`,
      ),
    );
  });

  it('rejects a concurrency that is not a whole number ≥ 1 as bad input', async () => {
    const program = new Command('mimo').exitOverride();
    register(program);
    await expect(program.parseAsync(['worker', '--concurrency', '0'], { from: 'user' })).rejects.toThrow(
      /--concurrency 0: expected a whole number ≥ 1/,
    );
  });

  it('names the queue without leaking the Redis password', () => {
    expect(queueLabel(readEnv({ REDIS_URL: 'redis://worker:s3cret@redis.internal:6379/0' }))).toBe(
      'BullMQ on redis://worker:***@redis.internal:6379/0',
    );
    expect(queueLabel(readEnv({ MIMO_DB: '/var/lib/mimo/q.sqlite' }))).toBe(
      'SQLite /var/lib/mimo/q.sqlite (shared only by workers on this machine)',
    );
  });
});
