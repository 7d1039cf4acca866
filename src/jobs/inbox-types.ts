/**
 * The webhook inbox: raw deliveries persisted by the HTTP path before it answers, deduplicated by delivery id, and
 * handed to the triage stage one at a time with a lease (a triage that dies with its process is taken up again).
 */

export type DeliveryState = 'pending' | 'triaging' | 'done' | 'failed';

/** What triage made of a delivery: recorded with it, so `/mimo status` and the logs can say why. */
export type TriageOutcome =
  'enqueued' | 'duplicate' | 'answered' | 'refused' | 'ignored' | 'cancelled' | 'expired' | 'failed';

export interface TriageDecision {
  outcome: TriageOutcome;
  /** One line a maintainer can read ("no write access for @alice", "CI is green on abc1234"). */
  reason: string;
  /** The PR or issue it concerned (`owner/repo#12`, `owner/repo!7`), when known. */
  scope?: string;
  jobId?: string;
}

export interface NewDelivery {
  /** X-GitHub-Delivery (GitHub's `guid`): the same for a redelivery of the same event. */
  id: string;
  event: string;
  /** The raw body, exactly as signed. */
  payload: string;
  receivedAt: number;
}

export interface DeliveryRecord extends NewDelivery {
  state: DeliveryState;
  /** How many times triage started on it. */
  attempts: number;
  /** When triage may (next) take it up. */
  notBefore: number;
  decision?: TriageDecision;
  finishedAt?: number;
}

export type PutResult = { kind: 'stored' } | { kind: 'duplicate' } | { kind: 'full'; pending: number };

export interface InboxLimits {
  /** Deliveries waiting for triage at most; past it the HTTP path answers 503 (GitHub records a failed delivery,
   *  which recovery redelivers later). */
  maxPending: number;
}

export interface InboxClaimer {
  /** Who claims: a triage loop instance in a process on a host (dead processes on this host are seen at once). */
  instance: string;
  host: string;
  pid: number;
}

export interface Inbox {
  put(delivery: NewDelivery): Promise<PutResult>;
  /** The oldest delivery whose `notBefore` has passed, now leased to `claimer` for `leaseMs`. */
  claim(claimer: InboxClaimer, leaseMs: number, now: number): Promise<DeliveryRecord | null>;
  /** Extends the lease of deliveries `claimer` holds. */
  renew(ids: string[], claimer: InboxClaimer, leaseUntil: number): Promise<void>;
  /** Records the decision and ends the delivery (`failed` for outcome `failed`, else `done`). */
  finish(id: string, claimer: InboxClaimer, decision: TriageDecision, now: number): Promise<void>;
  /** Puts the delivery back for a later attempt (a GitHub error worth retrying). */
  retryAt(id: string, claimer: InboxClaimer, notBefore: number, reason: string): Promise<void>;
  get(id: string): Promise<DeliveryRecord | null>;
  /** Which of `ids` the inbox holds (for recovery: never ask GitHub to redeliver what arrived). */
  known(ids: string[]): Promise<Set<string>>;
  /** Recent finished deliveries of a scope, newest first. */
  decisions(scope: string, limit: number): Promise<DeliveryRecord[]>;
  pendingCount(): Promise<number>;
  /** Housekeeping the acknowledgement path leaves for a quiet moment (SQLite: the WAL checkpoint); may do nothing. */
  settle(): Promise<void>;
  /** Forgets finished deliveries received before `before`; returns how many. */
  prune(before: number): Promise<number>;
  close(): Promise<void>;
}
