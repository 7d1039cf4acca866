// The part of the queue suite about worker processes: crash-resume, interruption, several workers.
import { expect, it } from '@jest/globals';
import type { JobRecord } from '../../src/jobs/index.js';
import type { Harness, Payload } from './behaviour.js';
import { gate, waitFor } from './helpers.js';

export function workerBehaviour({ fresh, open, crashChild, stateOf }: Harness): void {
  it('re-runs once a job whose worker process was killed mid-job', async () => {
    const queue = fresh();
    const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
    const child = crashChild();
    expect(await child.crashMidJob()).toEqual({ id, attempts: 1 });
    expect(await stateOf(queue, id)).toBe('running');
    const runs: JobRecord<Payload>[] = [];
    const interrupted: string[] = [];
    const worker = queue.process(async (job) => void runs.push(job), {
      concurrency: 1,
      onInterrupted: (job) => void interrupted.push(job.id),
    });
    await waitFor('the job to be resumed and finish', async () => (await stateOf(queue, id)) === 'done');
    await worker.close();
    expect(runs.map((job) => [job.id, job.attempts])).toEqual([[id, 2]]);
    expect(interrupted).toEqual([]);
  });

  it('marks a job interrupted after a second crash and reports it once, whichever worker finds it', async () => {
    const queue = fresh();
    const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
    for (const attempt of [1, 2]) {
      const child = crashChild();
      expect(await child.crashMidJob()).toEqual({ id, attempts: attempt });
    }
    const reported: JobRecord<Payload>[] = [];
    const runs: string[] = [];
    const options = { concurrency: 1, onInterrupted: (job: JobRecord<Payload>) => void reported.push(job) };
    const workers = [queue.process(async (job) => void runs.push(job.id), options)];
    workers.push(open().process(async (job) => void runs.push(job.id), options));
    await waitFor('the job to be reported interrupted', () => reported.length > 0);
    await Promise.all(workers.map((worker) => worker.close()));
    expect(reported.map((job) => [job.id, job.state, job.attempts])).toEqual([[id, 'interrupted', 2]]);
    expect(reported[0]!.reason).toMatch(/stopped .* twice/);
    // A worker started later neither runs nor reports it again; the group is free for new work.
    const later = open();
    const next = await later.enqueue({ key: 'k2', group: 'g', payload: { n: 2 } });
    const last = later.process(async (job) => void runs.push(job.id), options);
    await waitFor('a new job of the group to run', async () => (await stateOf(later, next.id)) === 'done');
    await last.close();
    expect(runs).toEqual([next.id]);
    expect(reported).toHaveLength(1);
    expect(await queue.get(id)).toMatchObject({ state: 'interrupted', attempts: 2 });
  });

  it('gives every job to exactly one of two workers on separate connections', async () => {
    const queue = fresh();
    const ids: string[] = [];
    for (let i = 0; i < 24; i++)
      ids.push((await queue.enqueue({ key: `k${i}`, group: `o/r${i % 4}`, payload: { n: i } })).id);
    const runs = new Map<string, string[]>();
    const busyGroups = new Map<string, number>();
    const violations: string[] = [];
    // The first jobs wait until both workers hold one, so neither can take everything.
    const bothBusy = gate();
    const handler = (name: string) => async (job: JobRecord<Payload>) => {
      runs.set(job.id, [...(runs.get(job.id) ?? []), name]);
      const busy = (busyGroups.get(job.group) ?? 0) + 1;
      if (busy > 1) violations.push(`${job.group} ran ${busy} jobs at once`);
      busyGroups.set(job.group, busy);
      if (new Set([...runs.values()].flat()).size === 2) bothBusy.open();
      await bothBusy.promise;
      await new Promise((resolve) => setTimeout(resolve, 5));
      busyGroups.set(job.group, (busyGroups.get(job.group) ?? 1) - 1);
    };
    const workers = [
      queue.process(handler('a'), { concurrency: 2 }),
      open().process(handler('b'), { concurrency: 2 }),
    ];
    await waitFor('all jobs to be done', async () => (await queue.list({ states: ['done'] })).length === 24);
    await Promise.all(workers.map((worker) => worker.close()));
    expect(violations).toEqual([]);
    expect(ids.filter((id) => runs.get(id)?.length !== 1)).toEqual([]);
    expect(new Set([...runs.values()].flat())).toEqual(new Set(['a', 'b']));
  });

  it('gives every job to exactly one of two worker processes sharing the store', async () => {
    const queue = fresh();
    const workers = [crashChild('run'), crashChild('run')];
    await waitFor('both worker processes to be ready', () => workers.every((worker) => worker.ready));
    const ids: string[] = [];
    for (let i = 0; i < 40; i++)
      ids.push((await queue.enqueue({ key: `k${i}`, group: `o/r${i % 5}`, payload: { n: i } })).id);
    await waitFor('all jobs to be done', async () => (await queue.list({ states: ['done'] })).length === 40);
    await Promise.all(workers.map((worker) => worker.kill()));
    expect(workers.flatMap((worker) => worker.ran).sort()).toEqual([...ids].sort());
    expect(workers.map((worker) => worker.ran.length > 0)).toEqual([true, true]);
    expect(workers.map((worker) => worker.errors)).toEqual(['', '']);
  });
}
