/**
 * The scale-out queue: BullMQ on Redis, consumed by `mimo worker` processes on any machine. BullMQ delivers job ids
 * and detects crashed workers (stalled jobs: retried once, then failed with "job stalled more than allowable
 * limit", which becomes `interrupted`); the job records, dedup keys, per-group locks and cancellations live in
 * Redis next to it (see redis-scripts.ts and docs/queue.md).
 */
import { Queue as BullQueue } from 'bullmq';
import { Redis } from 'ioredis';
import { BullmqWorker, type Carrier } from './bullmq-worker.js';
import { QueueClosedError, QueueConfigError, errorMessage } from './errors.js';
import { resolveTiming, type QueueTiming, type QueueTimingOptions } from './options.js';
import { RedisRecords } from './redis-records.js';
import type {
  EnqueueInput,
  EnqueueResult,
  JobHandler,
  JobRecord,
  JobState,
  Queue,
  Worker,
  WorkerOptions,
} from './types.js';

export interface BullmqQueueOptions extends QueueTimingOptions {
  /** e.g. redis://user:pass@host:6379/0 */
  url: string;
  /** BullMQ queue name (default `repairs`) and key prefix (default `mimo`). */
  queueName?: string;
  prefix?: string;
  onError?: (error: unknown) => void;
}

export class BullmqQueue<T> implements Queue<T> {
  private readonly redis: Redis;
  private readonly records: RedisRecords<T>;
  private readonly bull: BullQueue<Carrier>;
  private readonly timing: QueueTiming;
  private readonly workers = new Set<BullmqWorker<T>>();
  private readonly queueName: string;
  private readonly prefix: string;
  private closed = false;

  constructor(private readonly options: BullmqQueueOptions) {
    if (!/^rediss?:\/\//.test(options.url))
      throw new QueueConfigError(
        `REDIS_URL must look like redis://host:6379 (or rediss://), got "${options.url}"`,
      );
    this.timing = resolveTiming(options);
    this.queueName = options.queueName ?? 'repairs';
    this.prefix = options.prefix ?? 'mimo';
    // Fail a command after a few reconnect attempts rather than queueing it forever: enqueue runs in the webhook path.
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 3 });
    this.redis.on('error', (error: unknown) => this.report(error));
    this.records = new RedisRecords<T>(this.redis, `${this.prefix}:mimo:${this.queueName}`);
    this.bull = new BullQueue<Carrier>(this.queueName, {
      connection: { url: options.url },
      prefix: this.prefix,
    });
    this.bull.on('error', (error: unknown) => this.report(error));
  }

  async enqueue(input: EnqueueInput<T>): Promise<EnqueueResult> {
    this.assertOpen('enqueue a job');
    const result = await this.records.enqueue(input, Date.now());
    if (result.duplicate) return result;
    try {
      await this.handOver(result.id);
    } catch (error) {
      const reason = `could not hand the job to BullMQ: ${errorMessage(error)}`;
      await this.records.failQueued(result.id, reason, Date.now());
      throw new QueueConfigError(`${reason} (is Redis at REDIS_URL reachable and writable?)`, {
        cause: error,
      });
    }
    return result;
  }

  /** Gives job `id` to BullMQ; idempotent (the BullMQ job id is our id). */
  private async handOver(id: string): Promise<void> {
    await this.bull.add(
      'repair',
      { id },
      {
        jobId: id,
        // Retries cover a Redis hiccup while a worker records the start of the job; the handler's own failures
        // are recorded as `failed` and never retried, and crashes are BullMQ's stalled handling.
        attempts: 3,
        backoff: { type: 'exponential', delay: 1_000 },
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }

  /** Queued records BullMQ does not know (the enqueuing process died between the two writes) are handed over. */
  private async reconcile(): Promise<void> {
    for (const job of await this.records.list({ states: ['queued'] }))
      if (!(await this.bull.getJob(job.id))) await this.handOver(job.id);
  }

  async get(id: string): Promise<JobRecord<T> | null> {
    this.assertOpen('read a job');
    return this.records.get(id);
  }

  async list(filter?: { group?: string; scope?: string; states?: JobState[] }): Promise<JobRecord<T>[]> {
    this.assertOpen('list jobs');
    return this.records.list(filter);
  }

  async cancel(id: string, reason: string): Promise<boolean> {
    this.assertOpen('cancel a job');
    const was = await this.records.cancel(id, reason, Date.now());
    if (was === 'running') for (const worker of this.workers) worker.abort(id, reason);
    if (was === 'queued') await this.bull.remove(id).catch(() => 0); // tidy; a worker that got it skips it anyway
    return was !== null;
  }

  async supersede(scope: string, version: string, reason: string): Promise<number> {
    this.assertOpen('supersede jobs');
    let count = 0;
    for (const id of await this.records.stale(scope, version)) if (await this.cancel(id, reason)) count++;
    return count;
  }

  process(handler: JobHandler<T>, options: WorkerOptions<T>): Worker {
    this.assertOpen('start a worker');
    const worker = new BullmqWorker<T>(this.records, this.timing, handler, options, {
      url: this.options.url,
      queueName: this.queueName,
      prefix: this.prefix,
      onError: (error) => this.report(error),
    });
    this.workers.add(worker);
    this.reconcile().catch((error: unknown) => this.report(error));
    return {
      close: async () => {
        await worker.close();
        this.workers.delete(worker);
      },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.workers].map((worker) => worker.close()));
    this.workers.clear();
    await this.bull.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else process.stderr.write(`mimo jobs (redis): ${errorMessage(error)}\n`);
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new QueueClosedError(what);
  }
}
