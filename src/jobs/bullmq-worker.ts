/**
 * A BullMQ worker for BullmqQueue: takes the group lock before it runs a job (else hands the job back, delayed),
 * renews it with its heartbeat, aborts handlers that were cancelled, and turns BullMQ's "stalled too often"
 * failures into `interrupted` jobs reported once.
 */
import { DelayedError, Worker as BullWorker, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { JobCancelledError, LeaseLostError, WorkerShutdownError, errorMessage } from './errors.js';
import { checkConcurrency, type QueueTiming } from './options.js';
import type { FinishOutcome, RedisRecords } from './redis-records.js';
import { RunningJobs } from './running.js';
import type { JobHandler, WorkerOptions } from './types.js';

/** What BullMQ carries: only our job id; the record lives in RedisRecords. */
export interface Carrier {
  id: string;
}

/** BullMQ's reason for a job whose worker died more often than maxStalledCount allows. */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

export interface Connection {
  url: string;
  queueName: string;
  prefix: string;
  onError: (error: unknown) => void;
}

export class BullmqWorker<T> {
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
