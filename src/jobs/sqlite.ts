/**
 * The embedded queue: a durable SQLite file (WAL) shared by every worker process on the machine. Workers poll for
 * work, claim it atomically, keep a lease alive with a heartbeat, and recover the jobs of dead workers: requeued
 * once, then interrupted and reported through `onInterrupted`.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  JobCancelledError,
  LeaseLostError,
  QueueClosedError,
  WorkerShutdownError,
  errorMessage,
} from './errors.js';
import { checkConcurrency, resolveTiming, type QueueTiming, type QueueTimingOptions } from './options.js';
import { RunningJobs } from './running.js';
import { SqliteStore, type Outcome, type Owner } from './sqlite-store.js';
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

export interface SqliteQueueOptions extends QueueTimingOptions {
  /** The database file (created with its directory when missing); `:memory:` for a private throwaway queue. */
  path: string;
  /** Reports errors of the background loops (they keep running); default: stderr. */
  onError?: (error: unknown) => void;
}

export class SqliteQueue<T> implements Queue<T> {
  private readonly store: SqliteStore<T>;
  private readonly timing: QueueTiming;
  private readonly workers = new Set<SqliteWorker<T>>();
  private closed = false;

  constructor(private readonly options: SqliteQueueOptions) {
    this.timing = resolveTiming(options);
    this.store = new SqliteStore<T>(options.path);
  }

  async enqueue(input: EnqueueInput<T>): Promise<EnqueueResult> {
    this.assertOpen('enqueue a job');
    const result = this.store.enqueue(input, Date.now());
    if (!result.duplicate) for (const worker of this.workers) worker.wake();
    return result;
  }

  async get(id: string): Promise<JobRecord<T> | null> {
    this.assertOpen('read a job');
    return this.store.get(id);
  }

  async list(filter?: { group?: string; scope?: string; states?: JobState[] }): Promise<JobRecord<T>[]> {
    this.assertOpen('list jobs');
    return this.store.list(filter);
  }

  async cancel(id: string, reason: string): Promise<boolean> {
    this.assertOpen('cancel a job');
    const was = this.store.cancel(id, reason, Date.now());
    if (was === 'running') this.abortLocally(id, reason);
    return was !== null;
  }

  async supersede(scope: string, version: string, reason: string): Promise<number> {
    this.assertOpen('supersede jobs');
    const { count, running } = this.store.supersede(scope, version, reason, Date.now());
    for (const id of running) this.abortLocally(id, reason);
    return count;
  }

  process(handler: JobHandler<T>, options: WorkerOptions<T>): Worker {
    this.assertOpen('start a worker');
    const worker = new SqliteWorker<T>(this.store, this.timing, handler, options, (error) =>
      this.report(error),
    );
    this.workers.add(worker);
    worker.start();
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
    this.store.close();
  }

  /** In-process fast path: the heartbeat of any other process notices the cancellation within one beat. */
  private abortLocally(id: string, reason: string): void {
    for (const worker of this.workers) worker.abort(id, reason);
  }

  private report(error: unknown): void {
    if (this.options.onError) this.options.onError(error);
    else process.stderr.write(`mimo jobs: ${errorMessage(error)}\n`);
  }

  private assertOpen(what: string): void {
    if (this.closed) throw new QueueClosedError(what);
  }
}

/** Worker instances alive in this process: a row owned by this pid but another instance is from an earlier life. */
const liveInstances = new Set<string>();

/** Is the process `pid` on this host gone? (EPERM means it exists but belongs to someone else.) */
function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

class SqliteWorker<T> {
  private readonly owner: Owner = { instance: randomUUID(), host: hostname(), pid: process.pid };
  private readonly running = new RunningJobs();
  private readonly concurrency: number;
  private pollTimer?: NodeJS.Timeout;
  private beatTimer?: NodeJS.Timeout;
  private closing?: Promise<void>;
  private ticking = false;
  private again = false;

  constructor(
    private readonly store: SqliteStore<T>,
    private readonly timing: QueueTiming,
    private readonly handler: JobHandler<T>,
    private readonly options: WorkerOptions<T>,
    private readonly onError: (error: unknown) => void,
  ) {
    this.concurrency = checkConcurrency(options.concurrency);
  }

  start(): void {
    liveInstances.add(this.owner.instance);
    this.pollTimer = setInterval(() => this.wake(), this.timing.pollMs);
    this.beatTimer = setInterval(() => this.heartbeat(), this.timing.heartbeatMs);
    this.wake();
  }

  /** Looks for work now (coalesced: at most one pass at a time, one more if woken meanwhile). */
  wake(): void {
    if (this.closing) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    void this.tick()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.ticking = false;
        if (this.again && !this.closing) {
          this.again = false;
          this.wake();
        }
      });
  }

  abort(id: string, reason: string): void {
    this.running.abort(id, 'cancel', new JobCancelledError(id, reason));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.pollTimer);
      clearInterval(this.beatTimer);
      liveInstances.delete(this.owner.instance);
      this.running.abortAll('shutdown', (id) => new WorkerShutdownError(id));
      await this.running.settled();
    })();
    return this.closing;
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    this.store.recover(now, (host, pid, instance) => {
      if (host !== this.owner.host || pid === null || instance === null) return false;
      // Our own pid (pid 1 in a restarted container) is an earlier life unless a live worker here uses it.
      if (pid === process.pid) return !liveInstances.has(instance);
      return processIsGone(pid);
    });
    await this.reportInterrupted();
    while (!this.closing && this.running.size < this.concurrency) {
      const job = this.store.claim(this.owner, this.timing.leaseMs, Date.now());
      if (!job) break;
      this.run(job);
    }
  }

  private async reportInterrupted(): Promise<void> {
    const onInterrupted = this.options.onInterrupted;
    if (!onInterrupted) return;
    for (const job of this.store.takeInterrupted()) {
      try {
        await onInterrupted(job);
      } catch (error) {
        this.onError(error);
      }
    }
  }

  private run(job: JobRecord<T>): void {
    this.running.start(job.id, async (entry) => {
      let outcome: Outcome;
      try {
        await this.handler(job, entry.controller.signal);
        outcome = { kind: 'done' };
      } catch (error) {
        outcome =
          entry.stop === 'shutdown' ? { kind: 'requeue' } : { kind: 'failed', reason: errorMessage(error) };
      }
      try {
        // A lost lease means another worker owns the job now: this worker records nothing.
        if (entry.stop !== 'lease') this.store.finish(job.id, this.owner, outcome, Date.now());
      } catch (error) {
        this.onError(error);
      }
      this.wake();
    });
  }

  private heartbeat(): void {
    try {
      const leaseUntil = Date.now() + this.timing.leaseMs;
      for (const id of this.running.ids()) {
        const state = this.store.renew(id, this.owner, leaseUntil);
        if (state === null) this.running.abort(id, 'lease', new LeaseLostError(id));
        else if (state.cancelReason !== null) this.abort(id, state.cancelReason);
      }
    } catch (error) {
      this.onError(error);
    }
  }
}
