// The queue behaviour suite against a real redis-server started for this file on a free loopback port.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { BullmqQueue, QueueConfigError } from '../../src/jobs/index.js';
import { queueBehaviour, TIMING, type Payload } from './behaviour.js';
import { RedisServer } from './helpers.js';

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
  it('refuses a REDIS_URL that is not a redis:// URL, saying what it expects', () => {
    expect(() => new BullmqQueue({ url: 'localhost:6379' })).toThrow(QueueConfigError);
    expect(() => new BullmqQueue({ url: 'localhost:6379' })).toThrow(/redis:\/\/host:6379/);
  });
});
