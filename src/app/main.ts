import { createMimoApp } from './runtime.js';
import { applyDotEnv, startServer } from './server.js';

// `npm start`: the app with credentials from the environment or .env, Probot's setup flow without them.
applyDotEnv();
try {
  // The environment is read and checked once, here: a malformed variable stops the start with its name.
  const mimo = createMimoApp();
  const running = await startServer({ appFn: mimo.appFn, web: mimo.web, webhooks: mimo.webhooks });
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
