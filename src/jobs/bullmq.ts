/**
 * The scale-out queue: BullMQ on Redis, consumed by `mimo worker` processes on any machine. BullMQ delivers job ids
 * and detects crashed workers (stalled jobs: retried once, then failed with "job stalled more than allowable
 * limit", which becomes `interrupted`); the job records, dedup keys, per-group locks and cancellations live in
 * Redis next to it (see redis-scripts.ts and docs/queue.md).
 */
import { DelayedError, Queue as BullQueue, Worker as BullWorker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  JobCancelledError,
  LeaseLostError,
  QueueClosedError,
  QueueConfigError,
  WorkerShutdownError,
  errorMessage,
} from './errors.js';
import { checkConcurrency, resolveTiming, type QueueTiming, type QueueTimingOptions } from './options.js';
import { RedisRecords, type FinishOutcome } from './redis-records.js';
import { RunningJobs } from './running.js';
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

interface Carrier {
  id: string;
}

/** BullMQ's reason for a job whose worker died more often than maxStalledCount allows. */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

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
      await this.bull.add(
        'repair',
        { id: result.id },
        {
          jobId: result.id,
          // Retries cover a Redis hiccup while a worker records the start or the end of the job; the handler's
          // own failures are recorded as `failed` and never retried, and crashes are BullMQ's stalled handling.
          attempts: 3,
          backoff: { type: 'exponential', delay: 1_000 },
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      );
    } catch (error) {
      const reason = `could not hand the job to BullMQ: ${errorMessage(error)}`;
      await this.records.failQueued(result.id, reason, Date.now());
      throw new QueueConfigError(`${reason} (is Redis at REDIS_URL reachable and writable?)`);
    }
    return result;
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

interface Connection {
  url: string;
  queueName: string;
  prefix: string;
  onError: (error: unknown) => void;
}

class BullmqWorker<T> {
  private readonly owner = randomUUID();
  private readonly running = new RunningJobs();
  private readonly bull: BullWorker<Carrier>;
  private readonly beat: NodeJS.Timeout;
  private closing?: Promise<void>;

  constructor(
    private readonly records: RedisRecords<T>,
    private readonly timing: QueueTiming,
    private readonly handler: JobHandler<T>,
    private readonly options: WorkerOptions<T>,
    private readonly connection: Connection,
  ) {
    const concurrency = checkConcurrency(options.concurrency);
    this.bull = new BullWorker<Carrier>(connection.queueName, (job, token) => this.receive(job, token), {
      connection: { url: connection.url, maxRetriesPerRequest: null },
      prefix: connection.prefix,
      concurrency,
      lockDuration: timing.leaseMs,
      stalledInterval: Math.max(timing.heartbeatMs, Math.floor(timing.leaseMs / 2)),
      maxStalledCount: 1,
      drainDelay: Math.max(1, Math.ceil(timing.pollMs / 1000)),
    });
    this.bull.on('error', (error: unknown) => connection.onError(error));
    this.bull.on('failed', (job, error) => {
      if (job && error.message === STALLED_TOO_OFTEN) void this.interrupted(job.data.id);
    });
    this.beat = setInterval(() => void this.heartbeat(), timing.heartbeatMs);
  }

  abort(id: string, reason: string): void {
    this.running.abort(id, 'cancel', new JobCancelledError(id, reason));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.running.abortAll('shutdown', (id) => new WorkerShutdownError(id));
      await this.bull.close();
      await this.running.settled();
      clearInterval(this.beat);
    })();
    return this.closing;
  }

  private async receive(job: Job<Carrier>, token: string | undefined): Promise<void> {
    const id = job.data.id;
    const started = await this.records.start(id, this.owner, this.timing.leaseMs, Date.now());
    const record = started === 'started' ? await this.records.get(id) : null;
    // Checked after the last await before the handler starts, so close() either sees the job running or it is here.
    if (started === 'busy' || (started === 'started' && (this.closing || !record))) {
      // Its group runs another job (or this worker is closing): back to BullMQ, to be tried again shortly.
      if (started === 'started') await this.records.finish(id, this.owner, { kind: 'requeue' }, Date.now());
      await job.moveToDelayed(Date.now() + (started === 'busy' ? this.timing.pollMs : 0), token);
      throw new DelayedError();
    }
    if (started === 'interrupted') await this.interrupted(id);
    if (!record) return;
    let requeue = false;
    await this.running.start(id, async (entry) => {
      let outcome: FinishOutcome;
      try {
        await this.handler(record, entry.controller.signal);
        outcome = { kind: 'done' };
      } catch (error) {
        outcome =
          entry.stop === 'shutdown' ? { kind: 'requeue' } : { kind: 'failed', reason: errorMessage(error) };
      }
      if (entry.stop === 'lease') return; // another worker owns the job now
      const recorded = await this.recordOutcome(id, outcome);
      // A requeue of a job cancelled meanwhile ends it cancelled instead: nothing to hand back to BullMQ then.
      requeue = recorded && outcome.kind === 'requeue' && (await this.records.get(id))?.state === 'queued';
    }).done;
    if (requeue) {
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
  }

  /**
   * Records how the handler ended, retrying through a Redis hiccup: once the handler ran, throwing to BullMQ would
   * make it deliver the job again and run the whole repair twice. Gives up (reported) after about 15 s.
   */
  private async recordOutcome(id: string, outcome: FinishOutcome): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.records.finish(id, this.owner, outcome, Date.now());
      } catch (error) {
        if (attempt >= 6) {
          this.connection.onError(new Error(`could not record the end of job ${id}: ${errorMessage(error)}`));
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
      }
    }
  }

  private async interrupted(id: string): Promise<void> {
    try {
      if (!(await this.records.interrupt(id, Date.now()))) return;
      const record = await this.records.get(id);
      if (record && this.options.onInterrupted) await this.options.onInterrupted(record);
    } catch (error) {
      this.connection.onError(error);
    }
  }

  private async heartbeat(): Promise<void> {
    for (const id of this.running.ids()) {
      try {
        const state = await this.records.renew(id, this.owner, this.timing.leaseMs);
        if (state === null) this.running.abort(id, 'lease', new LeaseLostError(id));
        else if (state.cancelReason !== null) this.abort(id, state.cancelReason);
      } catch (error) {
        this.connection.onError(error);
      }
    }
  }
}
