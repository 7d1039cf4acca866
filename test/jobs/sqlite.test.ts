// The queue behaviour suite against a real SQLite file per test, plus what only the embedded queue does.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueueConfigError, SqliteQueue } from '../../src/jobs/index.js';
import { queueBehaviour, TIMING, type Payload } from './behaviour.js';
import { waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mimo-jobs-'));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

queueBehaviour('SQLite', () => {
  const path = join(dir, `t${++counter}`, 'mimo.sqlite');
  return {
    open: () => new SqliteQueue<Payload>({ path, ...TIMING }),
    child: { sqlitePath: path, ...TIMING },
  };
});

describe('SQLite queue', () => {
  it('keeps queued jobs across a restart of the process that enqueued them', async () => {
    const path = join(dir, 'restart', 'nested', 'mimo.sqlite');
    const before = new SqliteQueue<Payload>({ path, ...TIMING });
    const { id } = await before.enqueue({ key: 'k', group: 'g', payload: { n: 42 } });
    await before.close();
    const after = new SqliteQueue<Payload>({ path, ...TIMING });
    expect(await after.enqueue({ key: 'k', group: 'g', payload: { n: 0 } })).toEqual({ id, duplicate: true });
    const seen: number[] = [];
    const worker = after.process(async (job) => void seen.push(job.payload.n), { concurrency: 1 });
    await waitFor('the job to run after the restart', async () => (await after.get(id))?.state === 'done');
    await worker.close();
    await after.close();
    expect(seen).toEqual([42]);
  });

  it('works in memory for a throwaway queue', async () => {
    const queue = new SqliteQueue<Payload>({ path: ':memory:', ...TIMING });
    const { id } = await queue.enqueue({ key: 'k', group: 'g', payload: { n: 1 } });
    expect(await queue.list({ group: 'g', states: ['queued'] })).toMatchObject([{ id, state: 'queued' }]);
    expect(await queue.list({ group: 'other' })).toEqual([]);
    await queue.close();
    await expect(queue.enqueue({ key: 'k2', group: 'g', payload: { n: 2 } })).rejects.toThrow(
      /queue is closed/,
    );
  });

  it('says which database it cannot open and how to fix it', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    expect(() => new SqliteQueue({ path: join(file, 'mimo.sqlite') })).toThrow(QueueConfigError);
    expect(() => new SqliteQueue({ path: join(file, 'mimo.sqlite') })).toThrow(
      /cannot open the job database .*a-file\/mimo\.sqlite: .*set MIMO_DB to a writable file path/,
    );
  });

  it('refuses nonsense timing and concurrency with a message naming the option', () => {
    expect(() => new SqliteQueue({ path: ':memory:', leaseMs: 100, heartbeatMs: 200 })).toThrow(
      /heartbeatMs/,
    );
    const queue = new SqliteQueue<Payload>({ path: ':memory:' });
    expect(() => queue.process(async () => {}, { concurrency: 0 })).toThrow(/concurrency/);
    return queue.close();
  });
});
