/**
 * The inbox in SQLite (the default): a `deliveries` table in the job database file, written by the HTTP path with
 * one INSERT (the delivery id is the primary key, so a redelivery is a no-op) and taken by triage under a lease.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { QueueConfigError, errorMessage } from './errors.js';
import type {
  DeliveryRecord,
  DeliveryState,
  Inbox,
  InboxClaimer,
  InboxLimits,
  NewDelivery,
  PutResult,
  TriageDecision,
} from './inbox-types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before INTEGER NOT NULL,
  owner TEXT,
  owner_host TEXT,
  owner_pid INTEGER,
  lease_until INTEGER,
  decision TEXT,
  scope TEXT,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS deliveries_waiting ON deliveries(state, not_before) WHERE state IN ('pending', 'triaging');
CREATE INDEX IF NOT EXISTS deliveries_scope ON deliveries(scope, seq) WHERE scope IS NOT NULL;
`;

interface Row {
  id: string;
  event: string;
  payload: string;
  received_at: number;
  state: DeliveryState;
  attempts: number;
  not_before: number;
  decision: string | null;
  finished_at: number | null;
}

function toRecord(row: Row): DeliveryRecord {
  const record: DeliveryRecord = {
    id: row.id,
    event: row.event,
    payload: row.payload,
    receivedAt: row.received_at,
    state: row.state,
    attempts: row.attempts,
    notBefore: row.not_before,
  };
  if (row.decision !== null) record.decision = JSON.parse(row.decision) as TriageDecision;
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  return record;
}

/** Is the process `pid` on this host gone? (EPERM means it exists but belongs to someone else.) */
function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

const NEXT_PENDING = `SELECT id FROM deliveries WHERE state = 'pending' AND not_before <= ? ORDER BY not_before, seq LIMIT 1`;

export class SqliteInbox implements Inbox {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly pending: Database.Statement;
  /** Prepared once per SQL text: preparing on every claim and finish was a third of triage's own CPU time. */
  private readonly statements = new Map<string, Database.Statement>();
  /** The scan for abandoned leases runs when nothing is pending, else at most once a second (a burst's claims). */
  private lastReclaim = -Infinity;
  private counted = { n: 0, at: -Infinity };

  constructor(
    path: string,
    private readonly limits: InboxLimits,
    /** Triage instances alive in this process: a row owned by our pid but another instance is an earlier life. */
    private readonly liveInstances: ReadonlySet<string> = new Set(),
  ) {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('busy_timeout = 10000');
      // WAL + NORMAL: a commit survives the process being killed (kill -9); only an OS crash may lose the last ones.
      this.db.pragma('synchronous = NORMAL');
      // The WAL is folded back into the database by `settle()` between bursts, not by whichever INSERT crosses the
      // 1000-page mark: that checkpoint (with its fsync) cost an acknowledgement several times its own INSERT.
      this.db.pragma('wal_autocheckpoint = 0');
      this.db.exec(SCHEMA);
    } catch (error) {
      throw new QueueConfigError(
        `cannot open the inbox database ${path}: ${errorMessage(error)} (set MIMO_DB to a writable file path)`,
        { cause: error },
      );
    }
    this.insert = this.db.prepare(
      `INSERT INTO deliveries (id, event, payload, received_at, state, not_before)
       VALUES (?, ?, ?, ?, 'pending', ?) ON CONFLICT(id) DO NOTHING`,
    );
    this.pending = this.db.prepare(
      `SELECT COUNT(*) AS n FROM deliveries WHERE state IN ('pending', 'triaging')`,
    );
  }

  async put(delivery: NewDelivery): Promise<PutResult> {
    const pending = this.pendingNow();
    if (pending >= this.limits.maxPending) {
      const known = this.sql(`SELECT 1 FROM deliveries WHERE id = ?`).get(delivery.id);
      return known ? { kind: 'duplicate' } : { kind: 'full', pending };
    }
    const { id, event, payload, receivedAt } = delivery;
    const inserted = this.insert.run(id, event, payload, receivedAt, receivedAt);
    if (inserted.changes !== 1) return { kind: 'duplicate' };
    this.counted.n++;
    return { kind: 'stored' };
  }

  /**
   * The waiting deliveries, counted at most once a second: the count scans the waiting rows, and at a few thousand of
   * them it cost more than the INSERT. Between counts the figure only grows by this process's own puts (triage only
   * lowers it), so a refusal is always decided on a fresh count; other processes sharing the file may add up to a
   * second of their puts past the limit.
   */
  private pendingNow(): number {
    const now = Date.now();
    if (now - this.counted.at >= 1_000 || this.counted.n >= this.limits.maxPending)
      this.counted = { n: (this.pending.get() as { n: number }).n, at: now };
    return this.counted.n;
  }

  async claim(claimer: InboxClaimer, leaseMs: number, now: number): Promise<DeliveryRecord | null> {
    this.reclaimAbandoned(claimer, now);
    const next = this.sql(NEXT_PENDING);
    if (!next.get(now)) return null; // the idle case: a read, no write lock
    return this.db
      .transaction((): DeliveryRecord | null => {
        const found = next.get(now) as { id: string } | undefined;
        if (!found) return null;
        this.sql(
          `UPDATE deliveries SET state = 'triaging', attempts = attempts + 1, owner = ?, owner_host = ?,
             owner_pid = ?, lease_until = ? WHERE id = ? AND state = 'pending'`,
        ).run(claimer.instance, claimer.host, claimer.pid, now + leaseMs, found.id);
        return this.read(found.id);
      })
      .immediate();
  }

  /** Deliveries whose triage died with its process (or stalled past the lease) go back to pending. */
  private reclaimAbandoned(claimer: InboxClaimer, now: number): void {
    if (now - this.lastReclaim < 1_000 && this.sql(NEXT_PENDING).get(now)) return;
    this.lastReclaim = now;
    type Leased = { id: string; owner: string; owner_host: string; owner_pid: number; lease_until: number };
    const leased = this.sql(
      `SELECT id, owner, owner_host, owner_pid, lease_until FROM deliveries WHERE state = 'triaging'`,
    ).all() as Leased[];
    const gone = leased.filter((row) => {
      if (row.lease_until < now) return true;
      if (row.owner_host !== claimer.host) return false;
      if (row.owner_pid === process.pid) return !this.liveInstances.has(row.owner);
      return processIsGone(row.owner_pid);
    });
    if (gone.length === 0) return;
    const release = this.sql(
      `UPDATE deliveries SET state = 'pending', owner = NULL, owner_host = NULL, owner_pid = NULL,
       lease_until = NULL WHERE id = ? AND state = 'triaging' AND owner = ?`,
    );
    this.db.transaction(() => gone.forEach((row) => release.run(row.id, row.owner))).immediate();
  }

  async renew(ids: string[], claimer: InboxClaimer, leaseUntil: number): Promise<void> {
    const renew = this.sql(
      `UPDATE deliveries SET lease_until = ? WHERE id = ? AND owner = ? AND state = 'triaging'`,
    );
    for (const id of ids) renew.run(leaseUntil, id, claimer.instance);
  }

  async finish(id: string, claimer: InboxClaimer, decision: TriageDecision, now: number): Promise<void> {
    this.sql(
      `UPDATE deliveries SET state = ?, decision = ?, scope = ?, finished_at = ?, owner = NULL,
         owner_host = NULL, owner_pid = NULL, lease_until = NULL WHERE id = ? AND (owner = ? OR owner IS NULL)`,
    ).run(
      decision.outcome === 'failed' ? 'failed' : 'done',
      JSON.stringify(decision),
      decision.scope ?? null,
      now,
      id,
      claimer.instance,
    );
  }

  async retryAt(id: string, claimer: InboxClaimer, notBefore: number, reason: string): Promise<void> {
    this.sql(
      `UPDATE deliveries SET state = 'pending', not_before = ?, decision = ?, owner = NULL, owner_host = NULL,
         owner_pid = NULL, lease_until = NULL WHERE id = ? AND owner = ? AND state = 'triaging'`,
    ).run(
      notBefore,
      JSON.stringify({ outcome: 'failed', reason: `will retry: ${reason}` }),
      id,
      claimer.instance,
    );
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    return this.read(id);
  }

  private read(id: string): DeliveryRecord | null {
    const row = this.sql(`SELECT * FROM deliveries WHERE id = ?`).get(id) as Row | undefined;
    return row ? toRecord(row) : null;
  }

  async known(ids: string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const has = this.sql(`SELECT 1 FROM deliveries WHERE id = ?`);
    for (const id of ids) if (has.get(id)) found.add(id);
    return found;
  }

  async decisions(scope: string, limit: number): Promise<DeliveryRecord[]> {
    const rows = this.sql(`SELECT * FROM deliveries WHERE scope = ? ORDER BY seq DESC LIMIT ?`).all(
      scope,
      limit,
    ) as Row[];
    return rows.map(toRecord);
  }

  async pendingCount(): Promise<number> {
    return (this.pending.get() as { n: number }).n;
  }

  async prune(before: number): Promise<number> {
    return this.sql(`DELETE FROM deliveries WHERE state IN ('done', 'failed') AND received_at < ?`).run(
      before,
    ).changes;
  }

  private sql(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }

  async settle(): Promise<void> {
    if (this.db.open) this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
