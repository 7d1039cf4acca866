import { pino } from 'pino';
import { applyDotEnv, processEnv, readEnv, type MimoEnv } from '../../config/index.js';
import type { Command } from 'commander';
import type { RepairRequest } from '../../app/index.js';
import { describeQueue, openQueue, type Queue } from '../../jobs/index.js';
import { UsageError } from '../program.js';

type Env = Record<string, string | undefined>;

export interface WorkerRun {
  concurrency: number;
  env: Env;
  /** Aborting it stops the worker: running jobs are aborted and go back to the queue for the next worker. */
  stop: AbortSignal;
  /** Progress lines (stderr by default). */
  log?: (line: string) => void;
  /** Also triage the stored webhook deliveries of the shared inbox (default true; `--no-triage` turns it off). */
  triage?: boolean;
}

/** The queue as an operator would name it: the Redis URL without its password, or the SQLite file. */
export function queueLabel(env: MimoEnv): string {
  const target = describeQueue({ ...env.queue, env: {} });
  if (target.kind === 'sqlite') return `SQLite ${target.path} (shared only by workers on this machine)`;
  try {
    const url = new URL(target.url);
    if (url.password) url.password = '***';
    return `BullMQ on ${url.toString()}`;
  } catch {
    return 'BullMQ on REDIS_URL';
  }
}

function missingCredentials(env: MimoEnv): string | null {
  if (!env.github.appId) return 'APP_ID';
  if (!env.github.privateKey && !env.github.privateKeyPath) return 'PRIVATE_KEY (or PRIVATE_KEY_PATH)';
  return null;
}

/**
 * Opens the queue named by the environment (REDIS_URL → BullMQ, else MIMO_DB or data/mimo.sqlite → SQLite) and
 * runs repair jobs from it with the app's job handler until `stop` aborts. Resolves once everything is closed.
 */
export async function runWorker(run: WorkerRun): Promise<void> {
  const log = run.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = readEnv(run.env);
  const missing = missingCredentials(env);
  if (missing)
    throw new UsageError(
      `mimo worker needs the GitHub App's credentials: ${missing} is not set (the same variables as npm start; see docs/queue.md)`,
    );
  // The app organ builds the handler (GitHub auth, clone, sandbox, loop, PR); this command only connects it.
  // Loaded on demand (one after the other) so that other `mimo` commands do not pay for Probot.
  const app = await import('../../app/index.js');
  const queue: Queue<RepairRequest> = openQueue({
    ...env.queue,
    env: {},
    onError: (error) =>
      log(`mimo worker: queue error: ${error instanceof Error ? error.message : String(error)}`),
  });
  try {
    await queue.get('mimo-worker-connection-check');
  } catch (error) {
    await queue.close().catch(() => undefined);
    throw new Error(
      `mimo worker cannot reach the job queue (${queueLabel(env)}): ${error instanceof Error ? error.message : String(error)}; ` +
        'check that REDIS_URL (or MIMO_DB) points at a running Redis (or a writable file)',
      { cause: error },
    );
  }
  // Built like the server's (GHE_HOST honoured for the token exchange too), and without REDIS_URL: Probot would use
  // it for a Bottleneck throttling cluster whose connection it never closes.
  const probot = app.probotFromEnv(env, pino({ level: env.logLevel, name: 'mimo' }));
  await probot.ready();
  const pool = app.openPool(env, log);
  const worker = app.startWorker(queue, app.jobDepsFromProbot(probot, env, undefined, pool), run.concurrency);
  // Triage (guards, config and permission reads, replies, enqueue) of the deliveries the web tier stored: any
  // number of processes share the inbox, each delivery leased to one of them at a time.
  const intake = run.triage === false ? undefined : app.createIntake(probot, queue, env, env.inbox);
  log(
    `mimo worker: taking jobs from ${queueLabel(env)}, ${run.concurrency} at a time` +
      (intake ? `; triaging stored deliveries, ${env.inbox.triageConcurrency} at a time` : ''),
  );
  if (!run.stop.aborted)
    await new Promise((resolve) => run.stop.addEventListener('abort', resolve, { once: true }));
  log('mimo worker: stopping; running jobs go back to the queue');
  await intake?.close();
  await worker.close();
  await pool?.close();
  await queue.close();
  log('mimo worker: stopped');
}

/** `mimo worker [--concurrency N]`: a repair worker process; run several, on several machines with REDIS_URL. */
export function register(program: Command): void {
  program
    .command('worker')
    .description(
      'run repair jobs from the queue: BullMQ on REDIS_URL (workers on any number of machines), otherwise the ' +
        'SQLite file MIMO_DB (default data/mimo.sqlite). Needs APP_ID and PRIVATE_KEY like npm start; stops on SIGINT/SIGTERM',
    )
    .option('--no-triage', 'only run jobs; leave the stored webhook deliveries to other processes')
    .option(
      '--concurrency <n>',
      'jobs this process runs at once (never two of one repository; default MIMO_CONCURRENCY or 2)',
    )
    .action(async (options: { concurrency?: string; triage?: boolean }) => {
      applyDotEnv();
      const concurrency =
        options.concurrency === undefined ? readEnv().concurrency : Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency ${options.concurrency}: expected a whole number ≥ 1`);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runWorker({
          concurrency,
          env: processEnv(),
          stop: stop.signal,
          triage: options.triage !== false,
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
