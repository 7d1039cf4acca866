import type { Probot } from 'probot';
import { readEnv, type MimoEnv } from '../config/index.js';
import { comment, type Octokit } from '../github/index.js';
import { openQueue, type JobRecord, type Queue, type Worker } from '../jobs/index.js';
import { ensureRunnerImage } from '../sandbox/index.js';
import { createApp } from './create-app.js';
import type { RepairRequest } from './request.js';
import { webFromEnv, type Web } from '../web/index.js';
import { createJobHandler, type JobHandlerDeps } from './worker-handler.js';

/** Job-handler dependencies backed by a Probot instance (GitHub App credentials from the environment). */
export function jobDepsFromProbot(probot: Probot, env: MimoEnv, web?: Web): JobHandlerDeps {
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
    ...(env.workDir ? { workRoot: env.workDir } : {}),
    log: probot.log,
    ...(web ? { web } : {}),
  };
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
  /** Stops taking jobs and puts running ones back in the queue (not counted as a crash), then closes the queue. */
  close(): Promise<void>;
}

/**
 * The app as `npm start` runs it: webhook handlers that enqueue, plus an embedded worker (unless
 * `MIMO_EMBEDDED_WORKER=false`, when separate `mimo worker` processes consume a Redis queue).
 */
export function createMimoApp(env: MimoEnv = readEnv()): MimoApp {
  let queue: Queue<RepairRequest> | undefined;
  let worker: Worker | undefined;
  const web = webFromEnv(env, async () => (await queue?.list({ states: ['queued'] }))?.length ?? 0);
  return {
    web,
    async appFn(app: Probot) {
      queue = countTriage(openQueue<RepairRequest>({ ...env.queue, env: {} }), web);
      app.webhooks.onAny(({ name, payload }) => {
        const action = (payload as { action?: unknown }).action;
        web.metrics.deliveries.inc({
          event: typeof action === 'string' ? `${name}.${action}` : name,
          outcome: 'received',
        });
      });
      app.webhooks.onError((error) => {
        const event = (error as { event?: { name?: string } }).event?.name ?? 'unknown';
        web.metrics.deliveries.inc({ event, outcome: 'failed' });
      });
      createApp({ queue })(app);
      if (env.embeddedWorker) {
        worker = startWorker(queue, jobDepsFromProbot(app, env, web), env.concurrency);
        // Build the sandbox's runner image now if the engine lacks it (first start), with progress in the log; the
        // first job waits for the same build. Failures (no engine yet) are reported and retried by that job.
        ensureRunnerImage(({ image, message }) =>
          app.log.info({ image }, `building the sandbox image: ${message}`),
        ).catch((error: unknown) =>
          app.log.warn(
            `the sandbox image is not ready: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      }
      app.log.info('mimo-code loaded');
    },
    async close() {
      await worker?.close();
      await queue?.close();
    },
  };
}

/** Probot-style entry (`export default`): the same app, for hosts that load an app function themselves. */
export async function mimoApp(app: Probot, env: MimoEnv = readEnv()): Promise<void> {
  await createMimoApp(env).appFn(app);
}

/**
 * Counts triage's outcome where it is visible today, at the queue: a trigger that made a job, or one that joined an
 * existing job (a repeated delivery or trigger). Refusals and ignored events are counted where triage decides them.
 */
function countTriage(queue: Queue<RepairRequest>, web: Web): Queue<RepairRequest> {
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = async (input) => {
    const result = await enqueue(input);
    web.metrics.triage.inc({
      decision: result.duplicate ? 'duplicate' : 'enqueued',
      reason: input.payload.trigger,
    });
    return result;
  };
  return queue;
}
