// openQueue picks the backend from the options or the environment: BullMQ with a Redis URL, SQLite otherwise.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BullmqQueue, describeQueue, openQueue, SqliteQueue } from '../../src/jobs/index.js';
import { RedisServer, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mimo-open-'));
let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('openQueue', () => {
  it('uses BullMQ on REDIS_URL when it is set, and the queue works', async () => {
    const queue = openQueue<{ n: number }>({
      env: { REDIS_URL: redis.url, MIMO_DB: join(dir, 'unused.sqlite') },
    });
    expect(queue).toBeInstanceOf(BullmqQueue);
    const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 7 } });
    const seen: number[] = [];
    const worker = queue.process(async (job) => void seen.push(job.payload.n), { concurrency: 1 });
    await waitFor('the job to run', async () => (await queue.get(id))?.state === 'done');
    await worker.close();
    await queue.close();
    expect(seen).toEqual([7]);
    expect(existsSync(join(dir, 'unused.sqlite'))).toBe(false);
  });

  it('uses the SQLite file MIMO_DB when there is no Redis URL, creating its directory', async () => {
    const path = join(dir, 'state', 'queue.sqlite');
    const queue = openQueue<{ n: number }>({ env: { MIMO_DB: path, REDIS_URL: '' } });
    expect(queue).toBeInstanceOf(SqliteQueue);
    await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
    await queue.close();
    expect(existsSync(path)).toBe(true);
  });

  it('prefers explicit options to the environment, and defaults to data/mimo.sqlite under the working directory', () => {
    const env = { REDIS_URL: 'redis://elsewhere:6379', MIMO_DB: '/srv/other.sqlite' };
    expect(describeQueue({ redisUrl: 'redis://here:6379', env })).toEqual({
      kind: 'bullmq',
      url: 'redis://here:6379',
    });
    expect(describeQueue({ sqlitePath: 'q.sqlite', env: {} })).toEqual({
      kind: 'sqlite',
      path: resolve('q.sqlite'),
    });
    expect(describeQueue({ env: { MIMO_DB: '/srv/other.sqlite' } })).toEqual({
      kind: 'sqlite',
      path: '/srv/other.sqlite',
    });
    expect(describeQueue({ env: {} })).toEqual({ kind: 'sqlite', path: resolve('data/mimo.sqlite') });
    expect(describeQueue({ env: { REDIS_URL: '  ' } })).toEqual({
      kind: 'sqlite',
      path: resolve('data/mimo.sqlite'),
    });
  });
});
