import type { Probot } from 'probot';

/** The Probot application: webhook handlers are registered here (triggers, guards and the job queue: issue 8). */
export default function app(probot: Probot): void {
  probot.log.info('mimo-code loaded');
}

export {
  startServer,
  applyDotEnv,
  MissingCredentialsError,
  type RunningServer,
  type ServerMode,
} from './server.js';
