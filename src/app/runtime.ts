import { pino } from 'pino';
import type { Probot } from 'probot';
import { readEnv, type MimoEnv } from '../config/index.js';
import { GitObjectCache } from '../git/index.js';
import { comment, type Octokit } from '../github/index.js';
import { openQueue, type JobRecord, type Queue, type Worker } from '../jobs/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../config/index.js';
import { ensureRunnerImage, policyFromConfig, WarmPool } from '../sandbox/index.js';
import type { NodeHandler } from './inbox/http.js';
import { createIntake, type Intake } from './intake.js';
import type { InboxEvents } from './triage/events.js';
import type { RepairRequest } from './request.js';
import { webFromEnv, type Web } from '../web/index.js';
import { createJobHandler, type JobHandlerDeps } from './worker-handler.js';

/** Job-handler dependencies backed by a Probot instance (GitHub App credentials from the environment). */
export function jobDepsFromProbot(probot: Probot, env: MimoEnv, web?: Web, pool?: WarmPool): JobHandlerDeps {
  let slug: Promise<string> | undefined;
  return {
    async auth(installationId) {
      const octokit = (await probot.auth(installationId)) as Octokit;
      const { token } = (await octokit.auth({ type: 'installation' })) as { token: string };
      return { octokit, token };
    },
    appSlug: () =>
      (slug ??= probot
        .auth()
        .then(async (octokit) => (await octokit.rest.apps.getAuthenticated()).data?.slug ?? 'mimo-code')),
    env: { ...env.models, ...(env.defaultModel ? { MIMO_MODEL: env.defaultModel } : {}) },
    ceilings: env.ceilings,
    ...(env.workDir ? { workRoot: env.workDir } : {}),
    // Probot makes its logger when it first initializes (a bare `mimo worker`'s Probot never does): then our own.
    log: probot.log ?? pino({ level: env.logLevel, name: 'mimo' }),
    ...(web ? { web } : {}),
    ...(pool ? { pool } : {}),
    ...(env.gitCache.maxBytes > 0
      ? {
          gitCache: new GitObjectCache({
            dir: env.gitCache.dir ?? join(env.workDir ?? tmpdir(), 'mimo-git-cache'),
            maxBytes: env.gitCache.maxBytes,
          }),
        }
      : {}),
  };
}

/**
 * The warm pool of `MIMO_SANDBOX_POOL` (none when 0): `env.sandboxPool` sandboxes of the default shape (runner
 * image, default limits, this process's user) kept waiting once the runner image is there; other shapes are learnt
 * from the jobs that need them. The caller closes it on shutdown.
 */
export function openPool(env: MimoEnv, warn: (message: string) => void): WarmPool | undefined {
  if (env.sandboxPool <= 0) return undefined;
  const pool = new WarmPool({
    size: env.sandboxPool,
    onError: (error) => warn(`a warm sandbox could not be started: ${error.message}`),
  });
  void ensureRunnerImage()
    .then(async () => {
      const dir = await mkdtemp(join(tmpdir(), 'mimo-pool-'));
      try {
        await pool.warm({ workspace: dir, policy: policyFromConfig(defaultConfig()) });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    })
    .catch((error: unknown) =>
      warn(`the warm pool is not filled: ${error instanceof Error ? error.message : String(error)}`),
    );
  return pool;
}

/** A job lost twice to crashes is not retried again: say so where it was requested. */
export function reportInterrupted(deps: JobHandlerDeps) {
  return async (job: JobRecord<RepairRequest>) => {
    const request = job.payload;
    const number = request.pr?.number ?? request.issue?.number;
    if (!number) return;
    const { octokit } = await deps.auth(request.installationId);
    await comment(
      octokit,
      { owner: request.repo.owner, repo: request.repo.name },
      number,
      'The repair was interrupted twice by a restart of mimo-code and was not retried again. Comment `/mimo fix` to start over.',
    );
  };
}

export function startWorker(queue: Queue<RepairRequest>, deps: JobHandlerDeps, concurrency: number): Worker {
  return queue.process(createJobHandler(deps), { concurrency, onInterrupted: reportInterrupted(deps) });
}

export interface MimoApp {
  appFn: (app: Probot) => Promise<void>;
  /** The run pages and /metrics of this process, mounted by the server. */
  web: Web;
  /** POST /api/github/webhooks: the inbox (startServer mounts it in front of Probot's middleware). */
  webhooks(): NodeHandler | undefined;
  /** `delivery`, `triage` and `recovery` notes, for metrics (set once appFn ran). */
  events(): InboxEvents | undefined;
  /** Once the server listens: starts recovering missed deliveries. */
  listening(): void;
  /** Stops taking jobs and puts running ones back in the queue (not counted as a crash), then closes the queue. */
  close(): Promise<void>;
}

/**
 * The app as `npm start` runs it: the inbox and its triage (src/app/intake.ts), plus an embedded worker (unless
 * `MIMO_EMBEDDED_WORKER=false`, when separate `mimo worker` processes consume a Redis queue).
 */
export function createMimoApp(env: MimoEnv = readEnv()): MimoApp {
  let queue: Queue<RepairRequest> | undefined;
  let worker: Worker | undefined;
  let intake: Intake | undefined;
  let pool: WarmPool | undefined;
  const web = webFromEnv(env, async () => (await queue?.list({ states: ['queued'] }))?.length ?? 0);
  return {
    web,
    webhooks: () => intake?.webhooks,
    events: () => intake?.events,
    listening: () => intake?.startRecovery(),
    async appFn(app: Probot) {
      queue = openQueue<RepairRequest>({ ...env.queue, env: {} });
      intake = createIntake(app, queue, env, env.inbox);
      countInbox(intake.events, web);
      if (env.embeddedWorker) {
        // Build the sandbox's runner image now if the engine lacks it (first start), with progress in the log; the
        // first job waits for the same build. Failures (no engine yet) are reported and retried by that job.
        ensureRunnerImage(({ image, message }) =>
          app.log.info({ image }, `building the sandbox image: ${message}`),
        ).catch((error: unknown) =>
          app.log.warn(
            `the sandbox image is not ready: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
        // After the image's build started (with its progress logged): the pool fills once the image is there.
        pool = openPool(env, (message) => app.log.warn(message));
        worker = startWorker(queue, jobDepsFromProbot(app, env, web, pool), env.concurrency);
      }
      app.log.info('mimo-code loaded');
    },
    async close() {
      await intake?.close();
      await worker?.close();
      await pool?.close();
      await queue?.close();
    },
  };
}

/** Probot-style entry (`export default`): the same app, for hosts that load an app function themselves. */
export async function mimoApp(app: Probot, env: MimoEnv = readEnv()): Promise<void> {
  await createMimoApp(env).appFn(app);
}

/** Deliveries by event and outcome at the inbox, triage decisions by outcome and `event.action`. */
function countInbox(events: InboxEvents, web: Web): void {
  events.on('delivery', (note) =>
    web.metrics.deliveries.inc({ event: note.event || 'unknown', outcome: note.outcome }),
  );
  events.on('triage', (note) => {
    if (!note.willRetry) web.metrics.triage.inc({ decision: note.decision.outcome, reason: note.name });
  });
}
