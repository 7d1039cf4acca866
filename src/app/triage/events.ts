/**
 * The hook other organs (metrics, logs) use to watch the inbox without touching it: `mimo.events.on('delivery', …)`
 * once per answered delivery, `mimo.events.on('triage', …)` once per triage decision (and per retry).
 */
import { EventEmitter } from 'node:events';
import type { TriageDecision } from '../../jobs/index.js';
import type { DeliveryNote } from '../inbox/accept.js';

export interface TriageNote {
  delivery: string;
  event: string;
  /** `issue_comment.created`, `check_run.completed`… when the payload names an action. */
  name: string;
  decision: TriageDecision;
  attempt: number;
  /** From receipt to this decision (includes waiting in the inbox). */
  ageMs: number;
  /** Time spent triaging this attempt. */
  ms: number;
  /** True when the delivery goes back to the inbox for another attempt. */
  willRetry: boolean;
}

export interface RecoveryNote {
  scanned: number;
  redelivered: number;
  failed: number;
}

interface InboxEventMap {
  delivery: [DeliveryNote];
  triage: [TriageNote];
  recovery: [RecoveryNote];
}

export class InboxEvents extends EventEmitter<InboxEventMap> {}
