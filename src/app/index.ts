import type { Probot } from 'probot';
import { mimoApp } from './runtime.js';

/** The Probot application function (`npm start` loads it through src/app/main.ts). */
export default function app(probot: Probot): Promise<void> {
  return mimoApp(probot);
}

export {
  startServer,
  applyDotEnv,
  MissingCredentialsError,
  type RunningServer,
  type ServerMode,
} from './server.js';
export { createApp } from './create-app.js';
export { createJobHandler, type JobHandlerDeps } from './worker-handler.js';
export { jobDepsFromProbot, startWorker, mimoApp } from './runtime.js';
export type { RepairRequest } from './request.js';
