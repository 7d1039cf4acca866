// A worker process for the crash tests: opens the queue described on argv with the compiled dist/jobs, prints
// `started <id> <attempts>` when its handler starts a job, and then never finishes: the test SIGKILLs it.
import { openQueue } from '../../dist/jobs/index.js';

const config = JSON.parse(process.argv[2]);
const queue = openQueue({ ...config, env: {} });
queue.process(
  async (job) => {
    process.stdout.write(`started ${job.id} ${job.attempts}\n`);
    await new Promise(() => {});
  },
  { concurrency: 1 },
);
