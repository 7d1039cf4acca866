/**
 * Which errors of a triage are worth trying again, and when: GitHub's 5xx and network failures back off
 * exponentially; rate limits (429, or 403 with `retry-after` or an exhausted `x-ratelimit-remaining`) wait for the
 * time GitHub names. Anything else (401, 404, 422, a bug) fails the delivery with its message.
 */

interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined> };
}

export interface RetryPlan {
  retry: boolean;
  /** Milliseconds to wait, when `retry`. */
  delayMs: number;
  reason: string;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

function leaves(error: unknown): HttpErrorLike[] {
  if (error instanceof AggregateError) return error.errors.flatMap(leaves);
  return [error as HttpErrorLike];
}

function headerOf(error: HttpErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** The wait GitHub asks for, in ms, or null when it names none. */
function askedWait(error: HttpErrorLike, now: number): number | null {
  const after = headerOf(error, 'retry-after');
  if (after !== undefined && Number.isFinite(Number(after))) return Number(after) * 1000;
  if (headerOf(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(headerOf(error, 'x-ratelimit-reset'));
    if (Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  }
  return null;
}

export function planRetry(
  error: unknown,
  attempt: number,
  backoff: BackoffOptions,
  now = Date.now(),
): RetryPlan {
  const exponential = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  let delayMs = 0;
  const reasons: string[] = [];
  let retry = false;
  for (const leaf of leaves(error)) {
    const status = leaf.status;
    const message = (leaf.message ?? String(leaf)).split('\n')[0]!.slice(0, 300);
    const wait = askedWait(leaf, now);
    const rateLimited = status === 429 || (status === 403 && wait !== null);
    if (rateLimited) {
      retry = true;
      delayMs = Math.max(delayMs, wait ?? exponential);
      reasons.push(`GitHub rate limit (${status}): ${message}`);
    } else if (status === undefined || status >= 500) {
      // No status: the request never got an answer (network, timeout). Octokit reports those as 500 too.
      retry = true;
      delayMs = Math.max(delayMs, exponential);
      reasons.push(status ? `GitHub ${status}: ${message}` : message);
    } else {
      return { retry: false, delayMs: 0, reason: `${status}: ${message}` };
    }
  }
  return { retry, delayMs, reason: reasons.join('; ') };
}
