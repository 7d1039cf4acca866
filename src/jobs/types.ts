/** A durable job queue: the webhook handler only validates and enqueues; workers run the repairs. */

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';

export interface JobRecord<T> {
  id: string;
  /** Dedup key: while a job with this key is queued or running, enqueueing the same key returns it. */
  key: string;
  /** Concurrency group (the repository's full name): at most one running job per group. */
  group: string;
  /** Supersession scope (e.g. `owner/repo#12`) and version (the head SHA): see `supersede`. */
  scope?: string;
  version?: string;
  payload: T;
  state: JobState;
  /** How many times a worker started it (a job interrupted by a crash is retried once). */
  attempts: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Why it failed, was cancelled or interrupted. */
  reason?: string;
}

export interface EnqueueInput<T> {
  key: string;
  group: string;
  scope?: string;
  version?: string;
  payload: T;
}

export interface EnqueueResult {
  id: string;
  duplicate: boolean;
}

/** Runs one job; must honour `signal` (cancellation, stale push, shutdown) and may throw to fail the job. */
export type JobHandler<T> = (job: JobRecord<T>, signal: AbortSignal) => Promise<void>;

export interface WorkerOptions<T> {
  /** Jobs running at once in this process (per-group concurrency is always 1 across all workers). */
  concurrency: number;
  /** Called when a job that was running when its process died will not be retried, so it can be reported. */
  onInterrupted?: (job: JobRecord<T>) => Promise<void> | void;
}

export interface Worker {
  /** Stops taking jobs, aborts running ones, and resolves when they have settled. */
  close(): Promise<void>;
}

export interface Queue<T> {
  enqueue(input: EnqueueInput<T>): Promise<EnqueueResult>;
  get(id: string): Promise<JobRecord<T> | null>;
  list(filter?: { group?: string; scope?: string; states?: JobState[] }): Promise<JobRecord<T>[]>;
  /** Cancels a queued job, or aborts a running one (its handler's signal fires). False when already finished. */
  cancel(id: string, reason: string): Promise<boolean>;
  /** Cancels queued and running jobs of `scope` whose version differs from `version` (a new push). */
  supersede(scope: string, version: string, reason: string): Promise<number>;
  process(handler: JobHandler<T>, options: WorkerOptions<T>): Worker;
  close(): Promise<void>;
}
