import { readEnv } from '../../config/index.js';
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
}

/** The queue as an operator would name it: the Redis URL without its password, or the SQLite file. */
export function queueLabel(env: Env): string {
  const target = describeQueue({ env });
  if (target.kind === 'sqlite') return `SQLite ${target.path} (shared only by workers on this machine)`;
  try {
    const url = new URL(target.url);
    if (url.password) url.password = '***';
    return `BullMQ on ${url.toString()}`;
  } catch {
    return 'BullMQ on REDIS_URL';
  }
}

function missingCredentials(env: Env): string | null {
  if (!env.APP_ID) return 'APP_ID';
  if (!env.PRIVATE_KEY && !env.PRIVATE_KEY_PATH) return 'PRIVATE_KEY (or PRIVATE_KEY_PATH)';
  return null;
}

/**
 * Opens the queue named by the environment (REDIS_URL → BullMQ, else MIMO_DB or data/mimo.sqlite → SQLite) and
 * runs repair jobs from it with the app's job handler until `stop` aborts. Resolves once everything is closed.
 */
export async function runWorker(run: WorkerRun): Promise<void> {
  const log = run.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const missing = missingCredentials(run.env);
  if (missing)
    throw new UsageError(
      `mimo worker needs the GitHub App's credentials: ${missing} is not set (the same variables as npm start; see docs/queue.md)`,
    );
  // The app organ builds the handler (GitHub auth, clone, sandbox, loop, PR); this command only connects it.
  // Loaded on demand (one after the other) so that other `mimo` commands do not pay for Probot.
  const app = await import('../../app/index.js');
  const queue: Queue<RepairRequest> = openQueue({
    env: run.env,
    onError: (error) =>
      log(`mimo worker: queue error: ${error instanceof Error ? error.message : String(error)}`),
  });
  try {
    await queue.get('mimo-worker-connection-check');
  } catch (error) {
    await queue.close().catch(() => undefined);
    throw new Error(
      `mimo worker cannot reach the job queue (${queueLabel(run.env)}): ${error instanceof Error ? error.message : String(error)}; ` +
        'check that REDIS_URL (or MIMO_DB) points at a running Redis (or a writable file)',
      { cause: error },
    );
  }
  // Built like the server's (GHE_HOST honoured for the token exchange too), and without REDIS_URL: Probot would use
  // it for a Bottleneck throttling cluster whose connection it never closes.
  const probot = app.probotFromEnv(run.env);
  const worker = app.startWorker(queue, app.jobDepsFromProbot(probot, readEnv(run.env)), run.concurrency);
  log(`mimo worker: taking jobs from ${queueLabel(run.env)}, ${run.concurrency} at a time`);
  if (!run.stop.aborted)
    await new Promise((resolve) => run.stop.addEventListener('abort', resolve, { once: true }));
  log('mimo worker: stopping; running jobs go back to the queue');
  await worker.close();
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
    .option(
      '--concurrency <n>',
      'jobs this process runs at once (never two of one repository; default MIMO_CONCURRENCY or 2)',
    )
    .action(async (options: { concurrency?: string }) => {
      const concurrency =
        options.concurrency === undefined ? readEnv().concurrency : Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency ${options.concurrency}: expected a whole number ≥ 1`);
      const { applyDotEnv } = await import('../../app/index.js');
      applyDotEnv();
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await runWorker({ concurrency, env: process.env, stop: stop.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
