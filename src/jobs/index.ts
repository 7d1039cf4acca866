/** The job queue organ: SQLite embedded by default, BullMQ on Redis when REDIS_URL is set. */
import { resolve } from 'node:path';
import { BullmqQueue, type BullmqQueueOptions } from './bullmq.js';
import type { QueueTimingOptions } from './options.js';
import { Redis } from 'ioredis';
import { RedisInbox } from './inbox-redis.js';
import { SqliteInbox } from './inbox-sqlite.js';
import type { Inbox, InboxLimits } from './inbox-types.js';
import { SqliteQueue } from './sqlite.js';
import type { Queue } from './types.js';

export type * from './types.js';
export type * from './inbox-types.js';
export { SqliteInbox } from './inbox-sqlite.js';
export { RedisInbox } from './inbox-redis.js';
export { SqliteQueue, type SqliteQueueOptions } from './sqlite.js';
export { BullmqQueue, type BullmqQueueOptions } from './bullmq.js';
export type { QueueTimingOptions } from './options.js';
export { MAX_ATTEMPTS } from './options.js';
import { QueueConfigError } from './errors.js';
export {
  INTERRUPTED_REASON,
  JobCancelledError,
  LeaseLostError,
  QueueClosedError,
  QueueConfigError,
  QueueError,
  WorkerShutdownError,
} from './errors.js';

/** The SQLite file used when neither `sqlitePath` nor MIMO_DB names one, relative to the working directory. */
export const DEFAULT_SQLITE_PATH = 'data/mimo.sqlite';

export interface OpenQueueOptions extends QueueTimingOptions {
  /** Redis URL: when set (or REDIS_URL is), the queue is BullMQ on that Redis. */
  redisUrl?: string;
  /** SQLite file when there is no Redis URL; default MIMO_DB, else `data/mimo.sqlite` under the working dir. */
  sqlitePath?: string;
  /** BullMQ queue name and Redis key prefix (tests isolate themselves with these). */
  queueName?: string;
  prefix?: string;
  /** Raw variables REDIS_URL and MIMO_DB, when the caller has no MimoEnv (default none: pass the options). */
  env?: Record<string, string | undefined>;
  onError?: (error: unknown) => void;
}

/** Which backend `openQueue` picks for these options, without opening anything. */
export function describeQueue(
  options: OpenQueueOptions = {},
): { kind: 'bullmq'; url: string } | { kind: 'sqlite'; path: string } {
  const env = options.env ?? {};
  const url = nonEmpty(options.redisUrl) ?? nonEmpty(env.REDIS_URL);
  if (url) return { kind: 'bullmq', url };
  const path = nonEmpty(options.sqlitePath) ?? nonEmpty(env.MIMO_DB) ?? DEFAULT_SQLITE_PATH;
  return { kind: 'sqlite', path: path === ':memory:' ? path : resolve(path) };
}

/** Opens the queue: BullMQ when a Redis URL is given (or REDIS_URL is set), SQLite otherwise. */
export function openQueue<T>(options: OpenQueueOptions = {}): Queue<T> {
  const { pollMs, leaseMs, heartbeatMs, onError } = options;
  const timing = { pollMs, leaseMs, heartbeatMs, onError };
  const target = describeQueue(options);
  if (target.kind === 'bullmq') {
    const bullmq: BullmqQueueOptions = { ...timing, url: target.url };
    if (options.queueName) bullmq.queueName = options.queueName;
    if (options.prefix) bullmq.prefix = options.prefix;
    return new BullmqQueue<T>(bullmq);
  }
  return new SqliteQueue<T>({ ...timing, path: target.path });
}

export interface OpenInboxOptions extends Pick<
  OpenQueueOptions,
  'redisUrl' | 'sqlitePath' | 'prefix' | 'env'
> {
  limits: InboxLimits;
  /** Triage instances alive in this process (see SqliteInbox). */
  liveInstances?: ReadonlySet<string>;
  onError?: (error: unknown) => void;
}

/**
 * Opens the webhook inbox next to the job queue: the `deliveries` table of the same SQLite file, or keys under
 * `<prefix>:inbox:` in the same Redis (default prefix `mimo`).
 */
export function openInbox(options: OpenInboxOptions): Inbox {
  const target = describeQueue(options);
  if (target.kind === 'bullmq') {
    if (!/^rediss?:\/\//.test(target.url))
      throw new QueueConfigError(
        `REDIS_URL must look like redis://host:6379 (or rediss://), got "${target.url}"`,
      );
    const redis = new Redis(target.url, { maxRetriesPerRequest: 3 });
    redis.on('error', (error: unknown) => options.onError?.(error));
    return new RedisInbox(redis, `${options.prefix ?? 'mimo'}:inbox`, options.limits, options.liveInstances);
  }
  return new SqliteInbox(target.path, options.limits, options.liveInstances);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() ? value.trim() : undefined;
}
