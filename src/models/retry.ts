// The one retry policy for model calls (the SDKs' own retries are switched off): 429, 5xx and Anthropic's 529
// `overloaded_error` are retried with exponential backoff and jitter, honouring `retry-after`, and never waiting
// past the AbortSignal or the time left in the job's budget.
import { ModelError } from './errors.js';
import type { CompletionRequest } from './types.js';

export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number;
  delayMs: number;
  error: ModelError;
}

export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
  maxAttempts?: number;
  /** First backoff step (default 1 s), doubled per attempt up to `maxDelayMs` (default 60 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Milliseconds left in the job's time budget. */
  remainingMs?: () => number;
  /** Injectable so tests run instantly. Must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable jitter source in [0, 1). */
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Delay before the next attempt: the server's `retry-after` when given, else full exponential backoff with jitter. */
export function retryDelay(
  attempt: number,
  error: ModelError,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'> = {},
): number {
  const random = options.random ?? Math.random;
  if (error.retryAfterMs !== undefined) {
    // A little jitter on top so that parallel jobs told the same instant do not all return at once.
    return Math.ceil(error.retryAfterMs + random() * Math.min(1000, error.retryAfterMs * 0.1));
  }
  const base = options.baseDelayMs ?? 1000;
  const cap = options.maxDelayMs ?? 60_000;
  const step = Math.min(cap, base * 2 ** (attempt - 1));
  return Math.ceil(step / 2 + random() * (step / 2));
}

/** The model's retry tuning with the request's signal, time left and retry observer. */
export function retryOptions(
  tuning: Omit<RetryOptions, 'signal' | 'remainingMs'> | undefined,
  request: CompletionRequest,
): RetryOptions {
  const observers = [tuning?.onRetry, request.onRetry && toRequestObserver(request.onRetry)];
  return {
    ...tuning,
    signal: request.signal,
    remainingMs: request.remainingMs,
    onRetry: (event) => observers.forEach((observe) => observe?.(event)),
  };
}

function toRequestObserver(observe: NonNullable<CompletionRequest['onRetry']>): (event: RetryEvent) => void {
  return ({ attempt, delayMs, error }) => observe({ attempt, delayMs, message: error.message });
}

/** The SDK's per-request timeout: its 10-minute default, but never past the time budget (and at least 1 s). */
export function requestTimeoutMs(remainingMs?: () => number): number {
  return remainingMs ? Math.max(1000, Math.min(600_000, remainingMs())) : 600_000;
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)}s`;

/**
 * Runs `call`, retrying retryable failures. `toError` turns what the SDK threw into a `ModelError`. The error thrown
 * at the end says why no further attempt was made.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  toError: (error: unknown) => ModelError,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 6;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (thrown) {
      const error = toError(thrown);
      if (options.signal?.aborted && error.kind !== 'aborted') throw aborted(error.provider);
      if (!error.retryable) throw error;
      if (attempt >= maxAttempts) throw withReason(error, `gave up after ${attempt} attempts`);
      const delayMs = retryDelay(attempt, error, options);
      const remaining = options.remainingMs?.();
      if (remaining !== undefined && delayMs >= remaining) {
        throw withReason(
          error,
          `not retrying: waiting ${seconds(delayMs)} would pass the time budget (${seconds(Math.max(0, remaining))} left)`,
        );
      }
      options.onRetry?.({ attempt, delayMs, error });
      try {
        await wait(delayMs, options.signal);
      } catch {
        throw aborted(error.provider);
      }
    }
  }
}

function aborted(provider: string): ModelError {
  return new ModelError(`the call to ${provider} was cancelled (time budget or stop)`, 'aborted', provider);
}

function withReason(error: ModelError, reason: string): ModelError {
  return new ModelError(
    `${error.message} (${reason})`,
    error.kind,
    error.provider,
    error.status,
    error.retryAfterMs,
  );
}
