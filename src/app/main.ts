import { createMimoApp } from './runtime.js';
import { applyDotEnv, startServer } from './server.js';

// `npm start`: the app with credentials from the environment or .env, Probot's setup flow without them.
applyDotEnv();
const mimo = createMimoApp();
try {
  const running = await startServer({ appFn: mimo.appFn, webhooks: mimo.webhooks });
  mimo.listening();
  const stop = async () => {
    await running.stop();
    // Running repairs go back to the queue for the next start instead of counting as a crash.
    await mimo.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`mimo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
