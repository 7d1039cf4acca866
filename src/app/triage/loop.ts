/**
 * The triage stage: takes stored deliveries from the inbox (oldest first, `concurrency` at a time, each under a
 * lease renewed while it runs), runs the app's handlers on them — the guards, config, permission and CI reads, the
 * enqueue and the replies — and records the decision with the delivery. GitHub errors worth retrying put the
 * delivery back with backoff; a delivery older than `maxAgeMs` when its turn comes is expired, not triaged.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DeliveryRecord, Inbox, InboxClaimer, TriageDecision } from '../../jobs/index.js';
import type { InboxEvents } from './events.js';
import { planRetry, type BackoffOptions } from './retry.js';

export interface TriageLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Runs the handlers on one delivery; resolves to their decision (null: no handler took it). */
export type Triage = (delivery: {
  id: string;
  name: string;
  payload: unknown;
}) => Promise<TriageDecision | null>;

export interface TriageLoopOptions {
  inbox: Inbox;
  triage: Triage;
  log: TriageLog;
  events?: InboxEvents;
  concurrency: number;
  maxAttempts: number;
  maxAgeMs: number;
  backoff: BackoffOptions;
  leaseMs?: number;
  pollMs?: number;
  /** Triage instances alive in this process, shared with the inbox (an instance adds itself while it runs). */
  liveInstances?: Set<string>;
  /**
   * True while webhook deliveries are being acknowledged in this process: triage then waits (a few ms at a time,
   * `maxDeferMs` at most per pass) before it claims more, so that a burst is answered before its triage competes
   * for the CPU with the remaining acknowledgements.
   */
  busy?: () => boolean;
  maxDeferMs?: number;
}

export class TriageLoop {
  private readonly claimer: InboxClaimer = { instance: randomUUID(), host: hostname(), pid: process.pid };
  private readonly running = new Map<string, Promise<void>>();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private timer?: NodeJS.Timeout;
  private beat?: NodeJS.Timeout;
  private filling = false;
  private again = false;
  private deferredSince?: number;
  private closed = false;

  constructor(private readonly options: TriageLoopOptions) {
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
  }

  start(): void {
    this.options.liveInstances?.add(this.claimer.instance);
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.beat = setInterval(() => void this.renew(), Math.floor(this.leaseMs / 3));
    this.wake();
  }

  /** Looks for deliveries now (the HTTP path calls it after storing one). */
  wake(): void {
    if (this.closed) return;
    if (this.filling) {
      this.again = true;
      return;
    }
    this.filling = true;
    void this.fill()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'triage: cannot read the inbox'))
      .finally(() => {
        this.filling = false;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  /** Stops taking deliveries and waits for the ones being triaged (a delivery cut short is triaged again later). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    clearInterval(this.beat);
    await Promise.allSettled([...this.running.values()]);
    this.options.liveInstances?.delete(this.claimer.instance);
  }

  private async fill(): Promise<void> {
    while (!this.closed && this.running.size < this.options.concurrency) {
      if (this.defer()) return;
      const delivery = await this.options.inbox.claim(this.claimer, this.leaseMs, Date.now());
      if (!delivery) return;
      const run = this.run(delivery)
        .catch((error: unknown) =>
          // The delivery stays leased: another pass takes it up again once the lease expires.
          this.options.log.error({ err: error, delivery: delivery.id }, 'triage: cannot record the decision'),
        )
        .finally(() => {
          this.running.delete(delivery.id);
          this.wake();
        });
      this.running.set(delivery.id, run);
    }
  }

  /** Acknowledgements first: while some are in progress, look again in 5 ms (for `maxDeferMs` at most). */
  private defer(): boolean {
    if (!this.options.busy?.()) {
      this.deferredSince = undefined;
      return false;
    }
    const now = Date.now();
    this.deferredSince ??= now;
    if (now - this.deferredSince >= (this.options.maxDeferMs ?? 250)) {
      this.deferredSince = undefined;
      return false;
    }
    setTimeout(() => this.wake(), 5).unref();
    return true;
  }

  private async renew(): Promise<void> {
    if (this.running.size === 0) return;
    try {
      await this.options.inbox.renew([...this.running.keys()], this.claimer, Date.now() + this.leaseMs);
    } catch (error) {
      this.options.log.warn({ err: error }, 'triage: cannot renew leases');
    }
  }

  private async run(delivery: DeliveryRecord): Promise<void> {
    const started = Date.now();
    const { inbox, log } = this.options;
    let name = delivery.event;
    let decision: TriageDecision;
    let willRetry = false;
    try {
      if (started - delivery.receivedAt > this.options.maxAgeMs) {
        decision = {
          outcome: 'expired',
          reason: `waited ${Math.round((started - delivery.receivedAt) / 1000)} s in the inbox, over the ${Math.round(this.options.maxAgeMs / 1000)} s limit (MIMO_INBOX_MAX_AGE_SECONDS)`,
        };
      } else {
        let payload: unknown;
        try {
          payload = JSON.parse(delivery.payload);
        } catch {
          payload = undefined;
        }
        if (payload === null || typeof payload !== 'object') {
          decision = { outcome: 'failed', reason: 'the body is not a JSON object' };
        } else {
          const action = (payload as { action?: unknown }).action;
          if (typeof action === 'string') name = `${delivery.event}.${action}`;
          decision = (await this.options.triage({ id: delivery.id, name: delivery.event, payload })) ?? {
            outcome: 'ignored',
            reason: `mimo-code does not act on ${name}`,
          };
        }
      }
    } catch (error) {
      const plan = planRetry(error, delivery.attempts, this.options.backoff);
      willRetry = plan.retry && delivery.attempts < this.options.maxAttempts;
      decision = { outcome: 'failed', reason: plan.reason || 'triage failed' };
      if (willRetry) {
        const at = Date.now() + plan.delayMs;
        log.warn(
          { delivery: delivery.id, event: name, attempt: delivery.attempts, retryInMs: plan.delayMs },
          `triage will retry: ${plan.reason}`,
        );
        await inbox.retryAt(delivery.id, this.claimer, at, plan.reason);
        setTimeout(() => this.wake(), plan.delayMs + 5).unref();
      } else {
        log.error(
          { delivery: delivery.id, event: name, attempt: delivery.attempts },
          `triage failed: ${decision.reason}`,
        );
      }
    }
    if (!willRetry) {
      await inbox.finish(delivery.id, this.claimer, decision, Date.now());
      log.info(
        {
          delivery: delivery.id,
          event: name,
          outcome: decision.outcome,
          scope: decision.scope,
          job: decision.jobId,
        },
        `triage: ${decision.outcome}: ${decision.reason}`,
      );
    }
    this.options.events?.emit('triage', {
      delivery: delivery.id,
      event: delivery.event,
      name,
      decision,
      attempt: delivery.attempts,
      ageMs: Date.now() - delivery.receivedAt,
      ms: Date.now() - started,
      willRetry,
    });
  }
}
