// The triage stage over a real SQLite inbox: decisions recorded with the delivery, retries with backoff on
// GitHub's 5xx and rate limits (as Octokit reports them), failures that are not worth retrying, expiry by age.
import { afterEach, describe, expect, it } from '@jest/globals';
import { RequestError } from '@octokit/request-error';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteInbox, type TriageDecision } from '../../src/jobs/index.js';
import { InboxEvents, type TriageNote } from '../../src/app/triage/events.js';
import { TriageLoop, type Triage } from '../../src/app/triage/loop.js';
import { planRetry } from '../../src/app/triage/retry.js';
import { waitFor } from '../jobs/helpers.js';

function githubError(status: number, headers: Record<string, string> = {}) {
  return new RequestError(`HTTP ${status}`, status, {
    request: { method: 'GET', url: 'https://api.github.com/repos/o/r/pulls/2', headers: {} },
    response: { status, url: 'https://api.github.com/repos/o/r/pulls/2', headers, data: { message: 'x' } },
  });
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('triage', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  function setup(
    triage: Triage,
    options: { maxAgeMs?: number; maxAttempts?: number; busy?: () => boolean; maxDeferMs?: number } = {},
  ) {
    const live = new Set<string>();
    const inbox = new SqliteInbox(
      join(mkdtempSync(join(tmpdir(), 'triage-')), 'db.sqlite'),
      { maxPending: 100 },
      live,
    );
    const events = new InboxEvents();
    const notes: TriageNote[] = [];
    events.on('triage', (note) => notes.push(note));
    const loop = new TriageLoop({
      inbox,
      triage,
      log: quiet,
      events,
      liveInstances: live,
      concurrency: 2,
      maxAttempts: options.maxAttempts ?? 4,
      maxAgeMs: options.maxAgeMs ?? 60_000,
      backoff: { baseMs: 50, maxMs: 1_000 },
      pollMs: 20,
      ...(options.busy ? { busy: options.busy } : {}),
      ...(options.maxDeferMs ? { maxDeferMs: options.maxDeferMs } : {}),
    });
    open.push(inbox, loop);
    loop.start();
    return { inbox, loop, notes };
  }
  const put = (inbox: SqliteInbox, id: string, receivedAt = Date.now()) =>
    inbox.put({ id, event: 'issue_comment', payload: JSON.stringify({ action: 'created' }), receivedAt });

  it("records the handlers' decision with the delivery and tells listeners", async () => {
    const decision: TriageDecision = {
      outcome: 'refused',
      reason: '@bob has no write access',
      scope: 'o/r#2',
    };
    const { inbox, notes } = setup(async () => decision);
    await put(inbox, 'd1');
    await waitFor('the decision', async () => (await inbox.get('d1'))?.state === 'done');
    expect((await inbox.get('d1'))?.decision).toEqual(decision);
    expect(await inbox.decisions('o/r#2', 5)).toHaveLength(1);
    expect(notes).toEqual([
      expect.objectContaining({ delivery: 'd1', name: 'issue_comment.created', decision, willRetry: false }),
    ]);
  });

  it('waits while acknowledgements are in progress, and no longer than maxDeferMs under a flood', async () => {
    let acking = true;
    const seen: number[] = [];
    const { inbox } = setup(
      async () => {
        seen.push(Date.now());
        return null;
      },
      { busy: () => acking, maxDeferMs: 60_000 },
    );
    await put(inbox, 'b1');
    await new Promise((resolve) => setTimeout(resolve, 300)); // 15 polls
    expect(seen).toEqual([]);
    expect((await inbox.get('b1'))?.state).toBe('pending');
    acking = false;
    await waitFor('the triage', async () => (await inbox.get('b1'))?.state === 'done');

    const flooded = setup(async () => null, { busy: () => true, maxDeferMs: 100 });
    const putAt = Date.now();
    await put(flooded.inbox, 'b2');
    await waitFor(
      'the triage despite the flood',
      async () => (await flooded.inbox.get('b2'))?.state === 'done',
    );
    expect(Date.now() - putAt).toBeGreaterThanOrEqual(90);
  });

  it('says why when no handler took the event', async () => {
    const { inbox } = setup(async () => null);
    await put(inbox, 'd2');
    await waitFor('the decision', async () => (await inbox.get('d2'))?.state === 'done');
    expect((await inbox.get('d2'))?.decision).toEqual({
      outcome: 'ignored',
      reason: 'mimo-code does not act on issue_comment.created',
    });
  });

  it('retries after GitHub 5xx with backoff until the handlers get through', async () => {
    const calls: number[] = [];
    const { inbox, notes } = setup(async () => {
      calls.push(Date.now());
      if (calls.length < 3) throw new AggregateError([githubError(502)], 'HTTP 502');
      return { outcome: 'enqueued', reason: 'repair', scope: 'o/r#2', jobId: 'j1' };
    });
    await put(inbox, 'd3');
    await waitFor('the decision', async () => (await inbox.get('d3'))?.state === 'done');
    expect(calls).toHaveLength(3);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(45); // 50 ms, then 100 ms
    expect(calls[2]! - calls[1]!).toBeGreaterThanOrEqual(95);
    expect((await inbox.get('d3'))?.attempts).toBe(3);
    expect(notes.map((n) => [n.willRetry, n.decision.outcome])).toEqual([
      [true, 'failed'],
      [true, 'failed'],
      [false, 'enqueued'],
    ]);
  });

  it("waits as long as a secondary rate limit's retry-after says", async () => {
    const calls: number[] = [];
    const { inbox } = setup(async () => {
      calls.push(Date.now());
      if (calls.length === 1) throw githubError(403, { 'retry-after': '1' });
      return { outcome: 'ignored', reason: 'x' };
    });
    await put(inbox, 'd4');
    await waitFor('the decision', async () => (await inbox.get('d4'))?.state === 'done', 10_000);
    expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(990);
  });

  it('fails at once on an error retrying cannot fix, and after the attempt cap on one it could', async () => {
    let forbidden = 0;
    const { inbox } = setup(
      async ({ id }) => {
        if (id === 'gone') throw githubError(404);
        forbidden++;
        throw githubError(500);
      },
      { maxAttempts: 2 },
    );
    await put(inbox, 'gone');
    await put(inbox, 'down');
    await waitFor('both decisions', async () =>
      (await Promise.all(['gone', 'down'].map((id) => inbox.get(id)))).every((d) => d?.state === 'failed'),
    );
    expect(await inbox.get('gone')).toMatchObject({
      attempts: 1,
      decision: { outcome: 'failed', reason: '404: HTTP 404' },
    });
    expect(await inbox.get('down')).toMatchObject({
      attempts: 2,
      decision: { outcome: 'failed', reason: 'GitHub 500: HTTP 500' },
    });
    expect(forbidden).toBe(2);
  });

  it('expires a delivery that waited longer than the age limit instead of acting on it', async () => {
    let called = false;
    const { inbox } = setup(async () => ((called = true), null), { maxAgeMs: 1_000 });
    await put(inbox, 'stale', Date.now() - 5_000);
    await waitFor('the decision', async () => (await inbox.get('stale'))?.state === 'done');
    expect(called).toBe(false);
    expect((await inbox.get('stale'))?.decision).toMatchObject({
      outcome: 'expired',
      reason: expect.stringMatching(/waited 5 s in the inbox, over the 1 s limit/),
    });
  });
});

describe('planRetry', () => {
  it('waits until the primary rate limit resets when the remaining quota is 0', () => {
    const now = 1_700_000_000_000;
    const plan = planRetry(
      githubError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }),
      1,
      { baseMs: 100, maxMs: 1000 },
      now,
    );
    expect(plan).toMatchObject({ retry: true, delayMs: 30_000 });
  });
  it('does not retry a plain 403 (no permission)', () => {
    expect(planRetry(githubError(403), 1, { baseMs: 100, maxMs: 1000 }).retry).toBe(false);
  });
});
