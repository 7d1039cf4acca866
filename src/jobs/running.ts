/** The jobs one worker is running right now, each with the AbortController its handler listens to. */

/** Why a worker stopped a running job: its outcome is recorded differently for each. */
export type StopKind = 'cancel' | 'shutdown' | 'lease';

export interface RunningJob {
  id: string;
  controller: AbortController;
  /** Set when the worker aborted the handler (the first reason wins). */
  stop?: StopKind;
  /** Settles when the handler and the recording of its outcome are over. */
  done: Promise<void>;
}

export class RunningJobs {
  private readonly jobs = new Map<string, RunningJob>();

  get size(): number {
    return this.jobs.size;
  }

  ids(): string[] {
    return [...this.jobs.keys()];
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /** Runs `body` as job `id`; the entry disappears once it settles (it never rejects). */
  start(id: string, body: (job: RunningJob) => Promise<void>): RunningJob {
    const job: RunningJob = { id, controller: new AbortController(), done: Promise.resolve() };
    this.jobs.set(id, job);
    job.done = (async () => {
      try {
        await body(job);
      } finally {
        this.jobs.delete(id);
      }
    })();
    return job;
  }

  /** Aborts job `id`'s handler with `reason`; false when this worker is not running it. */
  abort(id: string, kind: StopKind, reason: Error): boolean {
    const job = this.jobs.get(id);
    if (!job) return false;
    if (!job.stop) job.stop = kind;
    if (!job.controller.signal.aborted) job.controller.abort(reason);
    return true;
  }

  abortAll(kind: StopKind, reason: (id: string) => Error): void {
    for (const id of this.ids()) this.abort(id, kind, reason(id));
  }

  async settled(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((job) => job.done));
  }
}
