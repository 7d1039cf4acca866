import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';

/**
 * Probot's own GitHub App manifest flow (the setup pages on /probot). Probot runs it only from `run()`, which
 * gives no way to add routes such as /healthz, and its package exports do not expose the module, so it is loaded
 * from Probot's installed files. Its behaviour is Probot's; we only mount it beside our routes.
 */
type SetupHandler = (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
) => Promise<boolean>;
type SetupAppFactory = (options: {
  host: string;
  port: number;
  log: Logger;
  updateEnv?: (env: Record<string, string>) => Record<string, string>;
}) => () => Promise<SetupHandler>;

export async function loadProbotSetupFactory(): Promise<SetupAppFactory> {
  const probotEntry = createRequire(import.meta.url).resolve('probot');
  const setupPath = join(dirname(probotEntry), 'apps', 'setup.js');
  const module = (await import(pathToFileURL(setupPath).href)) as { setupAppFactory: SetupAppFactory };
  return module.setupAppFactory;
}
