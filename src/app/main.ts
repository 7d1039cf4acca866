import app from './index.js';
import { applyDotEnv, startServer } from './server.js';

// `npm start`: the app with credentials from the environment or .env, Probot's setup flow without them.
applyDotEnv();
try {
  const running = await startServer({ appFn: app });
  const stop = async () => {
    await running.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`mimo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
