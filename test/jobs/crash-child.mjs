// A worker process for the multi-process tests, on the compiled dist/jobs. argv[2]: the queue config as JSON;
// argv[3]: `hang` (print `started <id> <attempts>` and never finish: the test SIGKILLs it mid-job) or `run`
// (print `ran <id>` for each job and finish it after a short pause). Prints `ready` once it takes jobs. Errors of the queue go to stderr.
import { setTimeout as sleep } from 'node:timers/promises';
import { openQueue } from '../../dist/jobs/index.js';

const config = JSON.parse(process.argv[2]);
const mode = process.argv[3] ?? 'hang';
const queue = openQueue({
  ...config,
  env: {},
  onError: (error) => process.stderr.write(`queue error: ${error}\n`),
});
queue.process(
  async (job) => {
    if (mode === 'run') {
      process.stdout.write(`ran ${job.id}\n`);
      await sleep(10);
      return;
    }
    process.stdout.write(`started ${job.id} ${job.attempts}\n`);
    await new Promise(() => {});
  },
  { concurrency: mode === 'run' ? 2 : 1 },
);
process.stdout.write('ready\n');
