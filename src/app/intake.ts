/**
 * The intake of the app, assembled: the inbox store, its HTTP handler (mounted in front of Probot's middleware by
 * startServer), the triage loop that runs the app's handlers on stored deliveries, and the recovery scans.
 */
import type { Probot } from 'probot';
import { openInbox, type Inbox, type Queue, type TriageDecision } from '../jobs/index.js';
import { createApp } from './create-app.js';
import { Background, type Octokit } from './deps.js';
import { inBurst, inboxHandler, type NodeHandler, type Traffic } from './inbox/http.js';
import type { InboxSettings, MimoEnv } from '../config/index.js';
import type { RepairRequest } from './request.js';
import { InboxEvents } from './triage/events.js';
import { TriageLoop } from './triage/loop.js';
import { Recovery } from './triage/recovery.js';

export interface Intake {
  inbox: Inbox;
  /** The HTTP handler of POST /api/github/webhooks. */
  webhooks: NodeHandler;
  events: InboxEvents;
  settings: InboxSettings;
  /** Starts the recovery scans (call once the server listens: GitHub redelivers to it at once). */
  startRecovery(): void;
  close(): Promise<void>;
}

export function createIntake(
  app: Probot,
  queue: Queue<RepairRequest>,
  env: MimoEnv,
  settings: InboxSettings,
  appSlug?: string,
): Intake {
  const log = app.log;
  const liveInstances = new Set<string>();
  const inbox = openInbox({
    ...env.queue,
    env: {},
    limits: { maxPending: settings.maxPending },
    liveInstances,
    onError: (error) => log.error({ err: error }, 'inbox: Redis error'),
  });
  const events = new InboxEvents();
  const background = new Background((error) => log.error({ err: error }, 'reply failed'));
  const decisions = new Map<string, TriageDecision>();
  createApp({
    queue,
    background,
    deliveries: inbox,
    onDecision: (id, decision) => decisions.set(id, decision),
    ...(appSlug ? { appSlug } : {}),
  })(app);

  const traffic: Traffic = { active: 0, lastAnsweredAt: -Infinity };
  const triage = new TriageLoop({
    inbox,
    busy: () => inBurst(traffic),
    log,
    events,
    liveInstances,
    concurrency: settings.triageConcurrency,
    maxAttempts: settings.triageAttempts,
    maxAgeMs: settings.maxAgeMs,
    backoff: { baseMs: settings.backoffMs, maxMs: 300_000 },
    async triage(delivery) {
      try {
        await app.receive(delivery as Parameters<Probot['receive']>[0]);
        await background.idle(delivery.id);
        return decisions.get(delivery.id) ?? null;
      } finally {
        decisions.delete(delivery.id);
      }
    },
  });
  triage.start();

  const webhooks = inboxHandler({
    inbox,
    secret: env.github.webhookSecret ?? 'development',
    maxBytes: settings.maxBytes,
    maxInflightBytes: settings.maxInflightBytes,
    log,
    traffic,
    onDelivery(note) {
      if (note.outcome === 'stored') triage.wake();
      events.emit('delivery', note);
    },
  });

  const timers: NodeJS.Timeout[] = [];
  const prune = () =>
    void inbox
      .prune(Date.now() - settings.retentionMs)
      .then((n) => n > 0 && log.info({ pruned: n }, 'inbox: forgot finished deliveries past retention'))
      .catch((error: unknown) => log.warn({ err: error }, 'inbox: prune failed'));
  prune();
  timers.push(setInterval(prune, 3_600_000).unref());
  // Between bursts (or every 10 s under constant traffic) the inbox does what it keeps off the acknowledgement path.
  let settled = Date.now();
  const settle = () => {
    if (inBurst(traffic) && Date.now() - settled < 10_000) return;
    settled = Date.now();
    inbox.settle().catch((error: unknown) => log.warn({ err: error }, 'inbox: checkpoint failed'));
  };
  timers.push(setInterval(settle, 1_000).unref());

  return {
    inbox,
    webhooks,
    events,
    settings,
    startRecovery() {
      if (settings.recoveryWindowMs === 0) return log.info('recovery of missed deliveries is off');
      const recovery = new Recovery({
        appOctokit: async () => (await app.auth()) as Octokit,
        inbox,
        windowMs: settings.recoveryWindowMs,
        log,
        events,
        askAgainAfterMs: Math.max(3 * settings.recoveryIntervalMs, 60_000),
      });
      const scan = () =>
        void recovery
          .scan()
          .catch((error: unknown) =>
            log.warn(
              `recovery of missed deliveries failed (retried in ${settings.recoveryIntervalMs / 1000} s): ${error instanceof Error ? error.message : String(error)}`,
            ),
          );
      scan();
      timers.push(setInterval(scan, settings.recoveryIntervalMs).unref());
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await triage.close();
      await background.idle();
      await inbox.close();
    },
  };
}
