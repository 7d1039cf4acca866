// The behavioural suite both queue backends must pass, run by sqlite.test.ts and bullmq.test.ts against the real
// stores: dedup, per-group and global concurrency, cancel, supersede, crash-resume, several workers.
import { afterEach, describe, expect, it } from '@jest/globals';
import { JobCancelledError, WorkerShutdownError, type Queue } from '../../src/jobs/index.js';
import { workerBehaviour } from './behaviour-workers.js';
import { CrashChild, aborted, gate, waitFor, type ChildQueueConfig, type Gate } from './helpers.js';

export interface Payload {
  n: number;
}

/** One empty store per test; `open` gives a new queue instance (its own connection) on that store. */
export interface Store {
  open(): Queue<Payload>;
  child: ChildQueueConfig;
}

export const TIMING = { pollMs: 20, leaseMs: 1_000, heartbeatMs: 100 };

/** What each test of the suite gets: fresh stores, more queue instances on the same store, crash children. */
export interface Harness {
  /** A new empty store and a first queue on it. */
  fresh(): Queue<Payload>;
  /** Another queue instance (its own connection) on the current store. */
  open(): Queue<Payload>;
  /** A worker process on the current store (`hang`: a crash child); it is killed after the test. */
  crashChild(mode?: 'hang' | 'run'): CrashChild;
  stateOf(queue: Queue<Payload>, id: string): Promise<string | undefined>;
}

export function queueBehaviour(name: string, freshStore: () => Store): void {
  describe(`${name} queue behaviour`, () => {
    const opened: Queue<Payload>[] = [];
    const children: CrashChild[] = [];
    let store: Store;
    const open = (): Queue<Payload> => {
      const queue = store.open();
      opened.push(queue);
      return queue;
    };
    const harness: Harness = {
      fresh: () => {
        store = freshStore();
        return open();
      },
      open,
      crashChild: (mode) => {
        const child = new CrashChild(store.child, mode);
        children.push(child);
        return child;
      },
      stateOf: async (queue, id) => (await queue.get(id))?.state,
    };
    afterEach(async () => {
      await Promise.all(children.splice(0).map((child) => child.kill()));
      await Promise.all(opened.splice(0).map((queue) => queue.close()));
    });
    coreBehaviour(harness);
    workerBehaviour(harness);
  });
}

/** Dedup, failures, concurrency limits, cancel, supersede and shutdown, within one process. */
function coreBehaviour({ fresh, open, stateOf }: Harness): void {
  it('returns the queued or running job for a key it already has, and a new job once that one finished', async () => {
    const queue = fresh();
    const first = await queue.enqueue({ key: 'o/r#1@abc', group: 'o/r', payload: { n: 1 } });
    const again = await queue.enqueue({ key: 'o/r#1@abc', group: 'o/r', payload: { n: 2 } });
    const other = await queue.enqueue({ key: 'o/r#2@abc', group: 'o/r', payload: { n: 3 } });
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ id: first.id, duplicate: true });
    expect(other.duplicate).toBe(false);
    expect(other.id).not.toBe(first.id);

    const hold = gate();
    const seen: number[] = [];
    const worker = queue.process(
      async (job) => {
        seen.push(job.payload.n);
        if (job.id === first.id) await hold.promise;
      },
      { concurrency: 1 },
    );
    await waitFor('the first job to run', async () => (await stateOf(queue, first.id)) === 'running');
    expect(await queue.enqueue({ key: 'o/r#1@abc', group: 'o/r', payload: { n: 4 } })).toEqual({
      id: first.id,
      duplicate: true,
    });
    hold.open();
    await waitFor('both jobs to finish', async () => (await queue.list({ states: ['done'] })).length === 2);
    expect(seen).toEqual([1, 3]);
    const rerun = await queue.enqueue({ key: 'o/r#1@abc', group: 'o/r', payload: { n: 5 } });
    expect(rerun.duplicate).toBe(false);
    await waitFor('the re-run to finish', async () => (await stateOf(queue, rerun.id)) === 'done');
    await worker.close();
    expect(seen).toEqual([1, 3, 5]);
    const done = await queue.get(first.id);
    expect(done).toMatchObject({
      key: 'o/r#1@abc',
      group: 'o/r',
      payload: { n: 1 },
      state: 'done',
      attempts: 1,
    });
    expect(done!.finishedAt).toBeGreaterThanOrEqual(done!.startedAt!);
  });

  it('records a job whose handler throws as failed, with the error message as the reason', async () => {
    const queue = fresh();
    const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
    const worker = queue.process(
      async () => {
        throw new Error('sandbox unreachable: is Docker running?');
      },
      { concurrency: 1 },
    );
    await waitFor('the job to fail', async () => (await stateOf(queue, id)) === 'failed');
    await worker.close();
    expect(await queue.get(id)).toMatchObject({
      state: 'failed',
      reason: 'sandbox unreachable: is Docker running?',
    });
  });

  it('runs at most one job per group and at most `concurrency` jobs at once, oldest first within a group', async () => {
    const queue = fresh();
    // Two jobs per group, back to back: plain FIFO would run both jobs of a group together.
    const groupOf = (n: number): string => `o/repo-${Math.floor(n / 2)}`;
    for (let n = 0; n < 8; n++) await queue.enqueue({ key: `k${n}`, group: groupOf(n), payload: { n } });
    const running = new Map<number, Gate>();
    const order: number[] = [];
    const violations: string[] = [];
    const worker = queue.process(
      async (job) => {
        const n = job.payload.n;
        for (const other of running.keys())
          if (groupOf(other) === job.group) violations.push(`${job.group} ran ${n} beside ${other}`);
        if (running.size >= 2) violations.push(`${running.size + 1} jobs at once`);
        const hold = gate();
        running.set(n, hold);
        order.push(n);
        await hold.promise;
      },
      { concurrency: 2 },
    );
    for (let round = 1; round <= 4; round++) {
      await waitFor(`round ${round}: two jobs running`, () => running.size === 2);
      expect(order).toHaveLength(2 * round);
      // The global limit holds runnable jobs of other groups back: they are still queued, not running.
      expect(await queue.list({ states: ['running'] })).toHaveLength(2);
      expect(await queue.list({ states: ['queued'] })).toHaveLength(8 - 2 * round);
      for (const [n, hold] of [...running]) {
        running.delete(n);
        hold.open();
      }
    }
    await waitFor('all jobs to be done', async () => (await queue.list({ states: ['done'] })).length === 8);
    await worker.close();
    expect(violations).toEqual([]);
    expect(order.slice(0, 2).sort()).toEqual([0, 2]);
    for (let g = 0; g < 4; g++) expect(order.indexOf(2 * g)).toBeLessThan(order.indexOf(2 * g + 1));
    expect(new Set(order)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it('cancels a queued job so it never runs, and says false for a finished one', async () => {
    const queue = fresh();
    const blocker = await queue.enqueue({ key: 'a', group: 'g', payload: { n: 1 } });
    const victim = await queue.enqueue({ key: 'b', group: 'g', payload: { n: 2 } });
    const after = await queue.enqueue({ key: 'c', group: 'g', payload: { n: 3 } });
    const hold = gate();
    const seen: number[] = [];
    const worker = queue.process(
      async (job) => {
        seen.push(job.payload.n);
        if (job.payload.n === 1) await hold.promise;
      },
      { concurrency: 2 },
    );
    await waitFor('the blocker to run', async () => (await stateOf(queue, blocker.id)) === 'running');
    expect(await queue.cancel(victim.id, 'stopped by @octocat')).toBe(true);
    expect(await queue.get(victim.id)).toMatchObject({ state: 'cancelled', reason: 'stopped by @octocat' });
    hold.open();
    await waitFor('the last job to run', async () => (await stateOf(queue, after.id)) === 'done');
    await worker.close();
    expect(seen).toEqual([1, 3]);
    expect(await queue.cancel(blocker.id, 'too late')).toBe(false);
    expect(await queue.cancel(victim.id, 'again')).toBe(false);
    expect((await queue.get(victim.id))!.reason).toBe('stopped by @octocat');
    // The key of a cancelled job is free again.
    expect((await queue.enqueue({ key: 'b', group: 'g', payload: { n: 4 } })).duplicate).toBe(false);
  });

  it.each([
    ['the same queue instance', false],
    ['another connection (another process)', true],
  ])(
    'aborts a running job cancelled from %s: its signal fires and it ends cancelled',
    async (_label, remote) => {
      const queue = fresh();
      const canceller = remote ? open() : queue;
      const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
      let reason: unknown;
      let entered = false;
      const worker = queue.process(
        async (_job, signal) => {
          entered = true;
          await aborted(signal);
          reason = signal.reason;
          throw signal.reason;
        },
        { concurrency: 1 },
      );
      await waitFor('the handler to run', async () => entered && (await stateOf(queue, id)) === 'running');
      const rerun = await canceller.enqueue({ key: 'k', group: 'g', payload: { n: 2 } });
      expect(rerun).toEqual({ id, duplicate: true });
      expect(await canceller.cancel(id, '/mimo stop')).toBe(true);
      await waitFor('the job to end cancelled', async () => (await stateOf(queue, id)) === 'cancelled');
      await worker.close();
      expect(reason).toBeInstanceOf(JobCancelledError);
      expect((reason as JobCancelledError).reason).toBe('/mimo stop');
      expect(await queue.get(id)).toMatchObject({ state: 'cancelled', reason: '/mimo stop', attempts: 1 });
    },
  );

  it('supersedes the queued and running jobs of a scope at an older version, and nothing else', async () => {
    const queue = fresh();
    const scope = 'o/r#7';
    const running = await queue.enqueue({
      key: 'r7@old',
      group: 'o/r',
      scope,
      version: 'old',
      payload: { n: 1 },
    });
    const queuedOld = await queue.enqueue({
      key: 'r7@old-retry',
      group: 'o/r',
      scope,
      version: 'old',
      payload: { n: 2 },
    });
    const current = await queue.enqueue({
      key: 'r7@new',
      group: 'o/r',
      scope,
      version: 'new',
      payload: { n: 3 },
    });
    const otherPr = await queue.enqueue({
      key: 'r8@old',
      group: 'o/r2',
      scope: 'o/r#8',
      version: 'old',
      payload: { n: 4 },
    });
    const ran: number[] = [];
    let reason: unknown;
    const worker = queue.process(
      async (job, signal) => {
        ran.push(job.payload.n);
        if (job.payload.n === 1) {
          await aborted(signal);
          reason = signal.reason;
        }
      },
      { concurrency: 2 },
    );
    await waitFor('the old job to run', async () => (await stateOf(queue, running.id)) === 'running');
    await waitFor('the other PR to finish', async () => (await stateOf(queue, otherPr.id)) === 'done');
    expect(await queue.supersede(scope, 'new', 'a new push (new) replaced old')).toBe(2);
    await waitFor('the new version to run', async () => (await stateOf(queue, current.id)) === 'done');
    await worker.close();
    expect(reason).toBeInstanceOf(JobCancelledError);
    expect(await queue.get(running.id)).toMatchObject({
      state: 'cancelled',
      reason: 'a new push (new) replaced old',
    });
    expect(await queue.get(queuedOld.id)).toMatchObject({ state: 'cancelled' });
    expect(ran.sort()).toEqual([1, 3, 4]);
    expect(await queue.supersede(scope, 'new', 'again')).toBe(0);
    expect((await queue.list({ scope })).map((job) => job.state)).toEqual(['cancelled', 'cancelled', 'done']);
  });

  it('puts the jobs running at shutdown back in the queue, where the next worker runs them', async () => {
    const queue = fresh();
    const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
    let firstReason: unknown;
    let entered = false;
    const first = queue.process(
      async (_job, signal) => {
        entered = true;
        await aborted(signal);
        firstReason = signal.reason;
        throw signal.reason;
      },
      { concurrency: 1 },
    );
    // The record says running a moment before the handler is entered; a close in between requeues it unrun.
    await waitFor('the handler to run', async () => entered && (await stateOf(queue, id)) === 'running');
    await first.close();
    expect(firstReason).toBeInstanceOf(WorkerShutdownError);
    expect(await queue.get(id)).toMatchObject({ state: 'queued', attempts: 0 });
    const attempts: number[] = [];
    const second = open().process(async (job) => void attempts.push(job.attempts), { concurrency: 1 });
    await waitFor('the next worker to run it', async () => (await stateOf(queue, id)) === 'done');
    await second.close();
    expect(attempts).toEqual([1]);
  });
}
