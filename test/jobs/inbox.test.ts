// The webhook inbox's store, the same behaviour against a real SQLite file and a real redis-server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { RedisInbox, SqliteInbox, type Inbox, type InboxClaimer } from '../../src/jobs/index.js';
import { RedisServer } from './helpers.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});

/** The pid of a process that has exited (a claimer that died). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  }).stdout as unknown as number;
}

const me = (live: Set<string>): InboxClaimer => {
  const instance = randomUUID();
  live.add(instance);
  return { instance, host: hostname(), pid: process.pid };
};
const delivery = (id: string, receivedAt = Date.now()) => ({
  id,
  event: 'issue_comment',
  payload: JSON.stringify({ action: 'created', n: id }),
  receivedAt,
});

const backends: [string, (max: number, live: Set<string>) => Inbox][] = [
  [
    'SQLite',
    (max, live) =>
      new SqliteInbox(join(mkdtempSync(join(tmpdir(), 'inbox-')), 'db.sqlite'), { maxPending: max }, live),
  ],
  [
    'Redis',
    (max, live) =>
      new RedisInbox(
        new Redis(redis.url),
        `mimo-test:inbox-${randomUUID().slice(0, 8)}`,
        { maxPending: max },
        live,
      ),
  ],
];

describe.each(backends)('%s inbox', (_name, open) => {
  it('stores a delivery once whatever the number of times its id arrives', async () => {
    const inbox = open(100, new Set());
    try {
      expect(await inbox.put(delivery('d-1'))).toEqual({ kind: 'stored' });
      expect(await inbox.put({ ...delivery('d-1'), payload: '{"other":true}' })).toEqual({
        kind: 'duplicate',
      });
      expect(await inbox.pendingCount()).toBe(1);
      const stored = await inbox.get('d-1');
      expect(stored).toMatchObject({ id: 'd-1', event: 'issue_comment', state: 'pending', attempts: 0 });
      expect(JSON.parse(stored!.payload)).toEqual({ action: 'created', n: 'd-1' });
    } finally {
      await inbox.close();
    }
  });

  it('refuses a new delivery when the inbox is full, but still recognises a duplicate', async () => {
    const inbox = open(2, new Set());
    try {
      await inbox.put(delivery('a'));
      await inbox.put(delivery('b'));
      expect(await inbox.put(delivery('c'))).toEqual({ kind: 'full', pending: 2 });
      expect(await inbox.put(delivery('a'))).toEqual({ kind: 'duplicate' });
    } finally {
      await inbox.close();
    }
  });

  it('takes a new delivery as soon as triage has made room in a full inbox', async () => {
    const live = new Set<string>();
    const inbox = open(2, live);
    const claimer = me(live);
    try {
      await inbox.put(delivery('a'));
      await inbox.put(delivery('b'));
      expect(await inbox.put(delivery('c'))).toMatchObject({ kind: 'full' });
      const claimed = await inbox.claim(claimer, 60_000, Date.now());
      await inbox.finish(claimed!.id, claimer, { outcome: 'ignored', reason: 'x', scope: 's' }, Date.now());
      expect(await inbox.put(delivery('c'))).toEqual({ kind: 'stored' });
      expect(await inbox.put(delivery('d'))).toEqual({ kind: 'full', pending: 2 });
    } finally {
      await inbox.close();
    }
  });

  it('hands deliveries out oldest first, each to one claimer, and records the decision by scope', async () => {
    const live = new Set<string>();
    const inbox = open(100, live);
    const a = me(live);
    const b = me(live);
    try {
      await inbox.put(delivery('first', 1000));
      await inbox.put(delivery('second', 2000));
      const one = await inbox.claim(a, 60_000, Date.now());
      const two = await inbox.claim(b, 60_000, Date.now());
      expect([one?.id, two?.id]).toEqual(['first', 'second']);
      expect(one).toMatchObject({ state: 'triaging', attempts: 1 });
      expect(await inbox.claim(a, 60_000, Date.now())).toBeNull();
      await inbox.finish(
        'first',
        a,
        { outcome: 'refused', reason: 'no write access', scope: 'o/r#2' },
        Date.now(),
      );
      await inbox.finish(
        'second',
        b,
        { outcome: 'enqueued', reason: 'repair', scope: 'o/r#2', jobId: 'j' },
        Date.now(),
      );
      expect(await inbox.pendingCount()).toBe(0);
      const recent = await inbox.decisions('o/r#2', 10);
      expect(recent.map((r) => [r.id, r.state, r.decision?.outcome])).toEqual([
        ['second', 'done', 'enqueued'],
        ['first', 'done', 'refused'],
      ]);
    } finally {
      await inbox.close();
    }
  });

  it('gives a delivery put back for a retry out again only once its time has come', async () => {
    const live = new Set<string>();
    const inbox = open(100, live);
    const a = me(live);
    try {
      await inbox.put(delivery('r'));
      const now = Date.now();
      await inbox.claim(a, 60_000, now);
      await inbox.retryAt('r', a, now + 5_000, 'GitHub 502');
      expect(await inbox.claim(a, 60_000, now + 1_000)).toBeNull();
      const again = await inbox.claim(a, 60_000, now + 5_000);
      expect(again).toMatchObject({ id: 'r', attempts: 2 });
      expect(again?.decision?.reason).toBe('will retry: GitHub 502');
    } finally {
      await inbox.close();
    }
  });

  it('takes back the delivery of a claimer whose process died, without waiting for its lease', async () => {
    const live = new Set<string>();
    const inbox = open(100, live);
    try {
      await inbox.put(delivery('orphan'));
      const dead: InboxClaimer = { instance: randomUUID(), host: hostname(), pid: Number(deadPid()) };
      expect((await inbox.claim(dead, 600_000, Date.now()))?.id).toBe('orphan');
      const next = await inbox.claim(me(live), 60_000, Date.now());
      expect(next).toMatchObject({ id: 'orphan', attempts: 2 });
    } finally {
      await inbox.close();
    }
  });

  it('takes back a delivery whose lease expired (a claimer on another machine stalled)', async () => {
    const live = new Set<string>();
    const inbox = open(100, live);
    try {
      await inbox.put(delivery('stalled'));
      const elsewhere: InboxClaimer = { instance: randomUUID(), host: 'another-host', pid: 1 };
      const now = Date.now();
      await inbox.claim(elsewhere, 1_000, now);
      expect(await inbox.claim(me(live), 60_000, now + 500)).toBeNull();
      expect((await inbox.claim(me(live), 60_000, now + 1_500))?.id).toBe('stalled');
    } finally {
      await inbox.close();
    }
  });

  it('knows which delivery ids it holds and forgets finished ones past retention', async () => {
    const live = new Set<string>();
    const inbox = open(100, live);
    const a = me(live);
    try {
      await inbox.put(delivery('old', 1_000));
      await inbox.put(delivery('new', Date.now()));
      await inbox.claim(a, 60_000, Date.now());
      await inbox.finish('old', a, { outcome: 'ignored', reason: 'x', scope: 's' }, Date.now());
      expect(await inbox.known(['old', 'new', 'never'])).toEqual(new Set(['old', 'new']));
      expect(await inbox.prune(10_000)).toBe(1);
      expect(await inbox.known(['old', 'new'])).toEqual(new Set(['new']));
      expect(await inbox.decisions('s', 10)).toEqual([]);
    } finally {
      await inbox.close();
    }
  });
});

describe('SQLite inbox write-ahead log', () => {
  it('leaves the checkpoint to settle(): acknowledgements append to the WAL, settle folds it into the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'inbox-wal-'));
    const inbox = new SqliteInbox(join(dir, 'db.sqlite'), { maxPending: 10_000 });
    try {
      // 600 deliveries of 8 KiB: past SQLite's default autocheckpoint (1000 pages), which an INSERT would have run.
      const payload = JSON.stringify({ pad: 'x'.repeat(8_192) });
      for (let i = 0; i < 600; i++) await inbox.put({ ...delivery(`w-${i}`), payload });
      const before = statSync(join(dir, 'db.sqlite')).size;
      expect(statSync(join(dir, 'db.sqlite-wal')).size).toBeGreaterThan(4_000_000);
      await inbox.settle();
      expect(statSync(join(dir, 'db.sqlite')).size - before).toBeGreaterThan(4_000_000);
      expect(await inbox.pendingCount()).toBe(600);
    } finally {
      await inbox.close();
    }
  });
});
