/** Errors of the job queue: each message says what happened and what to do about it. */

export class QueueError extends Error {
  override name = 'QueueError';
}

/** A method was called after `close()`. */
export class QueueClosedError extends QueueError {
  override name = 'QueueClosedError';
  constructor(what: string) {
    super(`the job queue is closed: cannot ${what} (open a new queue with openQueue())`);
  }
}

/** The abort reason a handler sees when its job is cancelled (`cancel`, `supersede`). */
export class JobCancelledError extends QueueError {
  override name = 'JobCancelledError';
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(`job ${jobId} was cancelled: ${reason}`);
  }
}

/** The abort reason a handler sees when its worker is shutting down; the job goes back to the queue. */
export class WorkerShutdownError extends QueueError {
  override name = 'WorkerShutdownError';
  constructor(readonly jobId: string) {
    super(
      `job ${jobId} was stopped because its worker is shutting down; it will run again on the next worker`,
    );
  }
}

/** The worker lost the job's lease (it stalled for longer than the lease): another worker owns it now. */
export class LeaseLostError extends QueueError {
  override name = 'LeaseLostError';
  constructor(readonly jobId: string) {
    super(
      `job ${jobId} was stopped because this worker lost its lease (the process stalled longer than the lease); ` +
        'another worker resumes or reports it',
    );
  }
}

/** Bad queue configuration (e.g. an unusable REDIS_URL or database path). */
export class QueueConfigError extends QueueError {
  override name = 'QueueConfigError';
}

/** The reason a job was interrupted when its worker died twice while running it. */
export const INTERRUPTED_REASON =
  'the worker running this job stopped (process died or lost its lease) twice; it is not retried again';

/** A readable message from whatever a handler threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
