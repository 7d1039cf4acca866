/**
 * Recovery of deliveries the app never stored (it was down, or refused them when its inbox was full): GitHub's App
 * webhook deliveries API lists every attempt of the last days; a delivery (a `guid`) none of whose attempts
 * succeeded, which the inbox does not hold, within the window, is redelivered once per scan period. The
 * redelivery comes back through the signed HTTP path with the same guid, so the inbox deduplicates it.
 */
import type { Inbox } from '../../jobs/index.js';
import type { Octokit } from '../deps.js';
import type { InboxEvents, RecoveryNote } from './events.js';
import type { TriageLog } from './loop.js';

export interface RecoveryOptions {
  /** An Octokit authenticated as the App (JWT), which the deliveries API needs. */
  appOctokit: () => Promise<Octokit>;
  inbox: Pick<Inbox, 'known'>;
  windowMs: number;
  log: TriageLog;
  events?: InboxEvents;
  /** At most this many attempts are read per scan (100 per page). */
  maxScanned?: number;
  /** At most this many redeliveries are asked for per scan. */
  maxRedeliveries?: number;
  /** A guid asked for is not asked for again within this time (its redelivery may still be on its way). */
  askAgainAfterMs?: number;
}

interface Attempt {
  id: number;
  guid: string;
  delivered_at: string;
  status_code: number;
  event: string;
}

export class Recovery {
  private readonly asked = new Map<string, number>();
  private scanning?: Promise<RecoveryNote>;

  constructor(private readonly options: RecoveryOptions) {}

  /** One scan; concurrent calls share it. */
  scan(now = Date.now()): Promise<RecoveryNote> {
    this.scanning ??= this.run(now).finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async run(now: number): Promise<RecoveryNote> {
    const { windowMs, log } = this.options;
    const maxScanned = this.options.maxScanned ?? 2000;
    const since = now - windowMs;
    const octokit = await this.options.appOctokit();
    // Newest first: the latest failed attempt of each guid is the one to redeliver.
    const latestFailed = new Map<string, Attempt>();
    const succeeded = new Set<string>();
    let scanned = 0;
    pages: for await (const page of octokit.paginate.iterator(octokit.rest.apps.listWebhookDeliveries, {
      per_page: 100,
    })) {
      for (const attempt of page.data as Attempt[]) {
        if (Date.parse(attempt.delivered_at) < since || ++scanned > maxScanned) break pages;
        if (attempt.status_code >= 200 && attempt.status_code < 300) succeeded.add(attempt.guid);
        else if (!latestFailed.has(attempt.guid)) latestFailed.set(attempt.guid, attempt);
      }
    }
    for (const guid of succeeded) latestFailed.delete(guid);
    const known = await this.options.inbox.known([...latestFailed.keys()]);
    const askAgain = this.options.askAgainAfterMs ?? 30 * 60_000;
    for (const [guid, at] of this.asked) if (now - at > askAgain) this.asked.delete(guid);
    let redelivered = 0;
    let failed = 0;
    for (const [guid, attempt] of latestFailed) {
      if (known.has(guid) || this.asked.has(guid)) continue;
      if (redelivered + failed >= (this.options.maxRedeliveries ?? 100)) break;
      this.asked.set(guid, now);
      try {
        await octokit.rest.apps.redeliverWebhookDelivery({ delivery_id: attempt.id });
        redelivered++;
        log.info(
          { delivery: guid, event: attempt.event, attempt: attempt.id },
          'recovery: asked GitHub to redeliver a missed delivery',
        );
      } catch (error) {
        failed++;
        log.warn({ delivery: guid, err: error }, 'recovery: GitHub refused the redelivery');
      }
    }
    const note = { scanned: Math.min(scanned, maxScanned), redelivered, failed };
    if (redelivered + failed > 0) log.info(note, 'recovery scan done');
    this.options.events?.emit('recovery', note);
    return note;
  }
}
