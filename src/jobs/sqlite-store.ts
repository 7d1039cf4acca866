/**
 * The SQLite side of SqliteQueue: one `jobs` table and the atomic state transitions on it. Every write that reads
 * before it writes runs in a `BEGIN IMMEDIATE` transaction, so several processes sharing the file never both claim
 * a job or both recover it. Two partial unique indexes make the invariants hold even against a bug here: one
 * queued/running job per dedup key, one running job per group.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { INTERRUPTED_REASON, QueueConfigError, errorMessage } from './errors.js';
import { MAX_ATTEMPTS } from './options.js';
import { SCHEMA, toRecord, type Row } from './sqlite-schema.js';
import type { EnqueueInput, EnqueueResult, JobRecord, JobState } from './types.js';

/** Who runs a job: the worker instance, and the process that hosts it (to recognise dead owners at once). */
export interface Owner {
  instance: string;
  host: string;
  pid: number;
}

export type Outcome = { kind: 'done' } | { kind: 'failed'; reason: string } | { kind: 'requeue' };

export class SqliteStore<T> {
  private readonly db: Database.Database;

  constructor(path: string) {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 10000');
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
    } catch (error) {
      throw new QueueConfigError(
        `cannot open the job database ${path}: ${errorMessage(error)} (set MIMO_DB to a writable file path)`,
        { cause: error },
      );
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  enqueue(input: EnqueueInput<T>, now: number): EnqueueResult {
    return this.db
      .transaction((): EnqueueResult => {
        const live = this.db
          .prepare(
            `SELECT id FROM jobs WHERE key = ? AND state IN ('queued', 'running') AND cancel_reason IS NULL`,
          )
          .get(input.key) as { id: string } | undefined;
        if (live) return { id: live.id, duplicate: true };
        const id = randomUUID();
        this.db
          .prepare(
            `INSERT INTO jobs (id, key, grp, scope, version, payload, state, created_at)
             VALUES (?, ?, ?, ?, ?, ?, 'queued', ?)`,
          )
          .run(
            id,
            input.key,
            input.group,
            input.scope ?? null,
            input.version ?? null,
            JSON.stringify(input.payload),
            now,
          );
        return { id, duplicate: false };
      })
      .immediate();
  }

  get(id: string): JobRecord<T> | null {
    const row = this.db.prepare(`SELECT * FROM jobs WHERE id = ?`).get(id) as Row | undefined;
    return row ? toRecord<T>(row) : null;
  }

  list(filter: { group?: string; scope?: string; states?: JobState[] } = {}): JobRecord<T>[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.group !== undefined) {
      where.push('grp = ?');
      args.push(filter.group);
    }
    if (filter.scope !== undefined) {
      where.push('scope = ?');
      args.push(filter.scope);
    }
    if (filter.states) {
      if (filter.states.length === 0) return [];
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      args.push(...filter.states);
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq`;
    return (this.db.prepare(sql).all(...args) as Row[]).map((row) => toRecord<T>(row));
  }

  /** 'queued': it is cancelled now; 'running': its worker must abort it; null: it already finished (or is unknown). */
  cancel(id: string, reason: string, now: number): 'queued' | 'running' | null {
    return this.db.transaction(() => this.cancelOne(id, reason, now)).immediate();
  }

  /** Cancels the live jobs of `scope` at another version; returns the ids of those that were running. */
  supersede(
    scope: string,
    version: string,
    reason: string,
    now: number,
  ): { count: number; running: string[] } {
    return this.db
      .transaction(() => {
        const rows = this.db
          .prepare(
            `SELECT id FROM jobs WHERE scope = ? AND (version IS NULL OR version <> ?)
             AND state IN ('queued', 'running') AND cancel_reason IS NULL`,
          )
          .all(scope, version) as { id: string }[];
        const running: string[] = [];
        for (const { id } of rows) if (this.cancelOne(id, reason, now) === 'running') running.push(id);
        return { count: rows.length, running };
      })
      .immediate();
  }

  private cancelOne(id: string, reason: string, now: number): 'queued' | 'running' | null {
    const queued = this.db
      .prepare(
        `UPDATE jobs SET state = 'cancelled', reason = ?, finished_at = ? WHERE id = ? AND state = 'queued'`,
      )
      .run(reason, now, id);
    if (queued.changes === 1) return 'queued';
    const running = this.db
      .prepare(
        `UPDATE jobs SET cancel_reason = ? WHERE id = ? AND state = 'running' AND cancel_reason IS NULL`,
      )
      .run(reason, id);
    return running.changes === 1 ? 'running' : null;
  }

  /** Takes the oldest queued job whose group has nothing running, for `owner`. */
  claim(owner: Owner, leaseMs: number, now: number): JobRecord<T> | null {
    const runnable = this.db.prepare(
      `SELECT id FROM jobs q WHERE q.state = 'queued'
       AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.grp = q.grp)
       ORDER BY q.seq LIMIT 1`,
    );
    // An idle poll only reads (WAL readers never wait); the write lock is taken when there is something to claim.
    if (!runnable.get()) return null;
    return this.db
      .transaction(() => {
        const next = runnable.get() as { id: string } | undefined;
        if (!next) return null;
        this.db
          .prepare(
            `UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?, finished_at = NULL,
             owner = ?, owner_host = ?, owner_pid = ?, lease_until = ? WHERE id = ? AND state = 'queued'`,
          )
          .run(now, owner.instance, owner.host, owner.pid, now + leaseMs, next.id);
        return this.get(next.id);
      })
      .immediate();
  }

  /** Extends the lease of a job `owner` runs; null when it lost the job, else the pending cancel reason if any. */
  renew(id: string, owner: Owner, leaseUntil: number): { cancelReason: string | null } | null {
    const renewed = this.db
      .prepare(`UPDATE jobs SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'running'`)
      .run(leaseUntil, id, owner.instance);
    if (renewed.changes !== 1) return null;
    const row = this.db.prepare(`SELECT cancel_reason FROM jobs WHERE id = ?`).get(id) as {
      cancel_reason: string | null;
    };
    return { cancelReason: row.cancel_reason };
  }

  /** Records how the handler ended; false when `owner` no longer owned the job (someone recovered it). */
  finish(id: string, owner: Owner, outcome: Outcome, now: number): boolean {
    const release = `owner = NULL, owner_host = NULL, owner_pid = NULL, lease_until = NULL`;
    const guard = `WHERE id = ? AND owner = ? AND state = 'running'`;
    if (outcome.kind === 'requeue') {
      // Shut down politely: the start does not count as an attempt.
      return (
        this.db
          .prepare(
            `UPDATE jobs SET state = CASE WHEN cancel_reason IS NULL THEN 'queued' ELSE 'cancelled' END,
             reason = cancel_reason, finished_at = CASE WHEN cancel_reason IS NULL THEN NULL ELSE ? END,
             attempts = attempts - 1, ${release} ${guard}`,
          )
          .run(now, id, owner.instance).changes === 1
      );
    }
    const state = outcome.kind === 'done' ? 'done' : 'failed';
    const reason = outcome.kind === 'failed' ? outcome.reason : null;
    return (
      this.db
        .prepare(
          `UPDATE jobs SET state = CASE WHEN cancel_reason IS NULL THEN ? ELSE 'cancelled' END,
           reason = COALESCE(cancel_reason, ?), finished_at = ?, ${release} ${guard}`,
        )
        .run(state, reason, now, id, owner.instance).changes === 1
    );
  }

  /**
   * Running jobs whose owner is gone (lease expired, or a dead process on this host): requeued when they have
   * been started fewer than MAX_ATTEMPTS times, else interrupted. Returns how many it recovered.
   */
  recover(
    now: number,
    isDead: (host: string | null, pid: number | null, instance: string | null) => boolean,
  ): number {
    const gone = (row: Pick<Row, 'owner' | 'owner_host' | 'owner_pid' | 'lease_until'>): boolean =>
      row.lease_until === null || row.lease_until < now || isDead(row.owner_host, row.owner_pid, row.owner);
    const select = this.db.prepare(
      `SELECT id, owner, owner_host, owner_pid, lease_until FROM jobs WHERE state = 'running'`,
    );
    type Running = Pick<Row, 'id' | 'owner' | 'owner_host' | 'owner_pid' | 'lease_until'>;
    if (!(select.all() as Running[]).some(gone)) return 0; // the usual case: a read, no write lock
    return this.db
      .transaction(() => {
        const running = select.all() as Running[];
        let recovered = 0;
        for (const row of running) {
          if (!gone(row)) continue;
          this.db
            .prepare(
              `UPDATE jobs SET
                 state = CASE WHEN cancel_reason IS NOT NULL THEN 'cancelled'
                              WHEN attempts < ? THEN 'queued' ELSE 'interrupted' END,
                 reason = CASE WHEN cancel_reason IS NOT NULL THEN cancel_reason
                               WHEN attempts < ? THEN NULL ELSE ? END,
                 finished_at = CASE WHEN cancel_reason IS NULL AND attempts < ? THEN NULL ELSE ? END,
                 owner = NULL, owner_host = NULL, owner_pid = NULL, lease_until = NULL
               WHERE id = ? AND state = 'running' AND owner IS ?`,
            )
            .run(MAX_ATTEMPTS, MAX_ATTEMPTS, INTERRUPTED_REASON, MAX_ATTEMPTS, now, row.id, row.owner);
          recovered++;
        }
        return recovered;
      })
      .immediate();
  }

  /** Interrupted jobs nobody has reported yet; each is handed out once, across all processes. */
  takeInterrupted(): JobRecord<T>[] {
    const rows = this.db
      .prepare(`SELECT id FROM jobs WHERE state = 'interrupted' AND interrupt_reported = 0 ORDER BY seq`)
      .all() as { id: string }[];
    const taken: JobRecord<T>[] = [];
    for (const { id } of rows) {
      const claimed = this.db
        .prepare(`UPDATE jobs SET interrupt_reported = 1 WHERE id = ? AND interrupt_reported = 0`)
        .run(id);
      const record = claimed.changes === 1 ? this.get(id) : null;
      if (record) taken.push(record);
    }
    return taken;
  }
}
