/**
 * The inbox's settings, read once from the environment where the app reads its other options (runtime.ts).
 * Every variable is optional; a value that is not a positive number is refused with the variable's name.
 */
import { GITHUB_MAX_PAYLOAD_BYTES } from './inbox/http.js';

type Env = Record<string, string | undefined>;

export interface InboxSettings {
  /** MIMO_WEBHOOK_MAX_BYTES: largest body accepted (default GitHub's 25 MB cap; never above it). */
  maxBytes: number;
  /** MIMO_WEBHOOK_INFLIGHT_BYTES: bytes of all bodies being read at once (default 100 MB). */
  maxInflightBytes: number;
  /** MIMO_INBOX_MAX_PENDING: deliveries waiting for triage at most (default 10000). */
  maxPending: number;
  /** MIMO_INBOX_MAX_AGE_SECONDS: a delivery still waiting after this long is expired, not triaged (default 1 day). */
  maxAgeMs: number;
  /** MIMO_INBOX_RETENTION_DAYS: finished deliveries (and their decisions) are kept this long (default 7). */
  retentionMs: number;
  /** MIMO_TRIAGE_CONCURRENCY: deliveries triaged at once (default 8). */
  triageConcurrency: number;
  /** MIMO_TRIAGE_ATTEMPTS: tries per delivery on retryable GitHub errors (default 6). */
  triageAttempts: number;
  /** MIMO_TRIAGE_BACKOFF_MS: first retry delay, doubled per attempt up to 5 minutes (default 2000). */
  backoffMs: number;
  /** MIMO_RECOVERY_WINDOW_HOURS: how far back recovery looks for failed deliveries; 0 turns it off (default 24). */
  recoveryWindowMs: number;
  /** MIMO_RECOVERY_INTERVAL_SECONDS: time between recovery scans (default 600; the first runs at start). */
  recoveryIntervalMs: number;
}

export class InboxSettingsError extends Error {
  override name = 'InboxSettingsError';
}

function number(env: Env, name: string, fallback: number, allowZero = false): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
    throw new InboxSettingsError(
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${raw}"`,
    );
  return value;
}

export function inboxSettings(env: Env): InboxSettings {
  const maxBytes = Math.min(
    number(env, 'MIMO_WEBHOOK_MAX_BYTES', GITHUB_MAX_PAYLOAD_BYTES),
    GITHUB_MAX_PAYLOAD_BYTES,
  );
  return {
    maxBytes,
    maxInflightBytes: Math.max(number(env, 'MIMO_WEBHOOK_INFLIGHT_BYTES', 100 * 1024 * 1024), maxBytes),
    maxPending: Math.floor(number(env, 'MIMO_INBOX_MAX_PENDING', 10_000)),
    maxAgeMs: number(env, 'MIMO_INBOX_MAX_AGE_SECONDS', 86_400) * 1000,
    retentionMs: number(env, 'MIMO_INBOX_RETENTION_DAYS', 7) * 86_400_000,
    triageConcurrency: Math.max(1, Math.floor(number(env, 'MIMO_TRIAGE_CONCURRENCY', 8))),
    triageAttempts: Math.max(1, Math.floor(number(env, 'MIMO_TRIAGE_ATTEMPTS', 6))),
    backoffMs: number(env, 'MIMO_TRIAGE_BACKOFF_MS', 2000),
    recoveryWindowMs: number(env, 'MIMO_RECOVERY_WINDOW_HOURS', 24, true) * 3_600_000,
    recoveryIntervalMs: number(env, 'MIMO_RECOVERY_INTERVAL_SECONDS', 600) * 1000,
  };
}
