import type { Probot } from 'probot';
import { mimoApp } from './runtime.js';

/** The Probot application function (`npm start` loads it through src/app/main.ts). */
export default async function app(probot: Probot): Promise<void> {
  await mimoApp(probot);
}

export {
  startServer,
  applyDotEnv,
  probotFromEnv,
  MissingCredentialsError,
  type RunningServer,
  type ServerMode,
} from './server.js';
export { createApp } from './create-app.js';
export { createIntake, type Intake } from './intake.js';
export { createJobHandler, type JobHandlerDeps } from './worker-handler.js';
export { jobDepsFromProbot, openPool, startWorker, mimoApp, createMimoApp } from './runtime.js';
export type { RepairRequest } from './request.js';
