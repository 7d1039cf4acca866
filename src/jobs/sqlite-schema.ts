/** The `jobs` table of SqliteQueue and the mapping of its rows to JobRecord. */
import type { JobRecord, JobState } from './types.js';

export interface Row {
  id: string;
  key: string;
  grp: string;
  scope: string | null;
  version: string | null;
  payload: string;
  state: JobState;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  reason: string | null;
  cancel_reason: string | null;
  owner: string | null;
  owner_host: string | null;
  owner_pid: number | null;
  lease_until: number | null;
}

/**
 * Two partial unique indexes make the invariants hold even against a logic error: one queued/running job per
 * dedup key (a running job being cancelled has released its key), one running job per group.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  key TEXT NOT NULL,
  grp TEXT NOT NULL,
  scope TEXT,
  version TEXT,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  reason TEXT,
  cancel_reason TEXT,
  owner TEXT,
  owner_host TEXT,
  owner_pid INTEGER,
  lease_until INTEGER,
  interrupt_reported INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_live_key ON jobs(key)
  WHERE state IN ('queued', 'running') AND cancel_reason IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS jobs_running_group ON jobs(grp) WHERE state = 'running';
CREATE INDEX IF NOT EXISTS jobs_state_seq ON jobs(state, seq);
CREATE INDEX IF NOT EXISTS jobs_scope ON jobs(scope) WHERE scope IS NOT NULL;
`;

export function toRecord<T>(row: Row): JobRecord<T> {
  const record: JobRecord<T> = {
    id: row.id,
    key: row.key,
    group: row.grp,
    payload: JSON.parse(row.payload) as T,
    state: row.state,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
  if (row.scope !== null) record.scope = row.scope;
  if (row.version !== null) record.version = row.version;
  if (row.started_at !== null) record.startedAt = row.started_at;
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  const reason = row.reason ?? (row.state === 'running' ? row.cancel_reason : null);
  if (reason !== null) record.reason = reason;
  return record;
}
