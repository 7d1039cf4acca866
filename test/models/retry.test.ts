import { ModelError, parseRetryAfter, redact, retryDelay, withRetry } from '../../src/models/index.js';

const overloaded = (retryAfterMs?: number) =>
  new ModelError('anthropic is overloaded', 'overloaded', 'anthropic', 529, retryAfterMs);
const identity = (error: unknown) => error as ModelError;

describe('retry policy', () => {
  it('reads retry-after in seconds, as an HTTP date, and retry-after-ms first', () => {
    const now = () => Date.parse('Thu, 26 Nov 2026 23:00:00 GMT');
    expect(parseRetryAfter(new Headers({ 'retry-after': '12' }))).toBe(12_000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Thu, 26 Nov 2026 23:00:30 GMT' }), now)).toBe(
      30_000,
    );
    expect(parseRetryAfter(new Headers({ 'retry-after': '12', 'retry-after-ms': '1500' }))).toBe(1500);
    expect(parseRetryAfter(new Headers({}))).toBeUndefined();
  });

  it('backs off exponentially with jitter up to the cap, and honours retry-after over backoff', () => {
    const low = { random: () => 0 };
    const high = { random: () => 0.999999 };
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, overloaded(), low))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, overloaded(), high))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(retryDelay(10, overloaded(), { ...high, maxDelayMs: 60_000 })).toBe(60_000);
    expect(retryDelay(1, overloaded(20_000), low)).toBe(20_000);
    expect(retryDelay(1, overloaded(20_000), high)).toBe(21_000);
  });

  it('does not retry what waiting cannot fix', async () => {
    let calls = 0;
    const auth = new ModelError('the API key for openai was rejected', 'auth', 'openai', 401);
    await expect(
      withRetry(
        async () => {
          calls++;
          throw auth;
        },
        identity,
        { sleep: async () => undefined },
      ),
    ).rejects.toBe(auth);
    expect(calls).toBe(1);
  });

  it('reports each retry and returns the first success', async () => {
    const events: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        if (++calls < 3) throw overloaded(2000);
        return 'answer';
      },
      identity,
      { sleep: async () => undefined, random: () => 0, onRetry: (event) => events.push(event.delayMs) },
    );
    expect(result).toBe('answer');
    expect(events).toEqual([2000, 2000]);
  });

  it('stops when the signal aborts, without another attempt', async () => {
    const controller = new AbortController();
    let calls = 0;
    const failure = withRetry(
      async () => {
        calls++;
        throw overloaded();
      },
      identity,
      { signal: controller.signal, sleep: async () => controller.abort() },
    );
    await expect(failure).rejects.toMatchObject({ kind: 'aborted' });
    expect(calls).toBe(2);
  });

  it('waits for real with the default sleep and can be aborted during it', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    const failure = withRetry(() => Promise.reject(overloaded(60_000)), identity, {
      signal: controller.signal,
    });
    await expect(failure).rejects.toThrow('the call to anthropic was cancelled (time budget or stop)');
  });
});

describe('provider text quoted in errors', () => {
  it('keeps keys, bearer tokens and organization ids out, and stays one bounded line', () => {
    const text =
      'Rate limit reached for gpt-5.4 in organization org-Q1w2E3r4T5y6 on tokens per min.\n' +
      'Incorrect API key provided: sk-proj-abcdef123456. Header was Bearer sk-live-999999 and my-own-secret-value.';
    const quoted = redact(text, ['my-own-secret-value']);
    expect(quoted).toBe(
      'Rate limit reached for gpt-5.4 in organization [redacted] on tokens per min. ' +
        'Incorrect API key provided: [redacted] Header was [redacted] and [redacted].',
    );
    expect(redact('x'.repeat(1000))).toHaveLength(300);
  });
});
