// The queue behaviour suite against a real redis-server started for this file on a free loopback port.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { BullmqQueue, QueueConfigError } from '../../src/jobs/index.js';
import { queueBehaviour, TIMING, type Payload } from './behaviour.js';
import { RedisServer, waitFor } from './helpers.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

queueBehaviour('BullMQ', () => {
  const queueName = `q-${randomUUID().slice(0, 8)}`;
  const options = { url: redis.url, queueName, prefix: 'mimo-test', ...TIMING };
  return {
    open: () => new BullmqQueue<Payload>(options),
    child: { redisUrl: redis.url, queueName, prefix: 'mimo-test', ...TIMING },
  };
});

describe('BullMQ queue', () => {
  it('hands over a queued job BullMQ never got (its enqueuer died between the two writes) when a worker starts', async () => {
    const queueName = `q-${randomUUID().slice(0, 8)}`;
    const options = { url: redis.url, queueName, prefix: 'mimo-test', ...TIMING };
    const queue = new BullmqQueue<Payload>(options);
    const raw = new Queue(queueName, { connection: { url: redis.url }, prefix: 'mimo-test' });
    try {
      const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
      expect(await raw.remove(id)).toBe(1); // as if the process died before BullMQ's add
      expect(await raw.getJob(id)).toBeUndefined();
      const seen: number[] = [];
      const worker = queue.process(async (job) => void seen.push(job.payload.n), { concurrency: 1 });
      await waitFor('the job to run', async () => (await queue.get(id))?.state === 'done');
      await worker.close();
      expect(seen).toEqual([1]);
    } finally {
      await raw.close();
      await queue.close();
    }
  });

  it('refuses a REDIS_URL that is not a redis:// URL, saying what it expects', () => {
    expect(() => new BullmqQueue({ url: 'localhost:6379' })).toThrow(QueueConfigError);
    expect(() => new BullmqQueue({ url: 'localhost:6379' })).toThrow(/redis:\/\/host:6379/);
  });
});
