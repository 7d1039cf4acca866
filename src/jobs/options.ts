/** Timing shared by both queue backends; tests pass small values, production uses the defaults. */
export interface QueueTimingOptions {
  /** How often an idle worker looks for work, and how long a job of a busy group waits before it is tried again (ms). */
  pollMs?: number;
  /** A running job's lease (ms): a worker that has not renewed it for this long is considered dead. */
  leaseMs?: number;
  /** How often a worker renews its leases and checks its running jobs for cancellation (ms). */
  heartbeatMs?: number;
}

export interface QueueTiming {
  pollMs: number;
  leaseMs: number;
  heartbeatMs: number;
}

/** A job is started at most this many times: a job whose worker died is retried once, then interrupted. */
export const MAX_ATTEMPTS = 2;

export function resolveTiming(options: QueueTimingOptions = {}): QueueTiming {
  const leaseMs = positive(options.leaseMs, 30_000, 'leaseMs');
  const heartbeatMs = positive(options.heartbeatMs, Math.min(2_000, Math.floor(leaseMs / 3)), 'heartbeatMs');
  if (heartbeatMs >= leaseMs)
    throw new RangeError(`heartbeatMs (${heartbeatMs}) must be smaller than leaseMs (${leaseMs})`);
  return { pollMs: positive(options.pollMs, 1_000, 'pollMs'), leaseMs, heartbeatMs };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${value}`);
  return Math.floor(value);
}

export function checkConcurrency(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  return concurrency;
}
