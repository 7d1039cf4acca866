import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { Probot, Server, type ApplicationFunction } from 'probot';
import { getPrivateKey } from '@probot/get-private-key';
import { processEnv, readEnv, type EnvSource, type MimoEnv } from '../config/index.js';
import { mountWeb, type Web } from '../web/index.js';
import type { NodeHandler } from './inbox/http.js';
import { loadProbotSetupFactory } from './probot-setup.js';

export type ServerMode = 'app' | 'setup';

export interface StartOptions {
  appFn: ApplicationFunction;
  env?: EnvSource;
  /** Overrides PORT (0 = a free port). */
  port?: number;
  log?: Logger;
  /** Run pages and `/metrics`, served beside the webhook route (app mode only). */
  web?: Web;
  /** A handler that sees every request before Probot's (the inbox takes POST /api/github/webhooks). */
  webhooks?: () => NodeHandler | undefined;
}

export interface RunningServer {
  mode: ServerMode;
  port: number;
  server: Server;
  stop(): Promise<void>;
}

async function freePort(host: string): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Credentials missing in production: the app cannot run and must not silently fall back to setup mode. */
export class MissingCredentialsError extends Error {
  override name = 'MissingCredentialsError';
}

function healthHandler(mode: ServerMode) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/healthz') return false;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok', mode }));
    return true;
  };
}

function readCredentials(env: MimoEnv): { appId?: number; privateKey?: string } {
  const appId = env.github.appId;
  const keys: Record<string, string> = {};
  if (env.github.privateKey) keys.PRIVATE_KEY = env.github.privateKey;
  if (env.github.privateKeyPath) keys.PRIVATE_KEY_PATH = env.github.privateKeyPath;
  let privateKey: string | undefined;
  try {
    privateKey = getPrivateKey({ env: keys })?.toString() || undefined;
  } catch {
    privateKey = undefined;
  }
  return { appId, privateKey };
}

export { applyDotEnv } from '../config/index.js';

const DOTCOM_API = 'https://api.github.com/';

/**
 * Probot 14 passes its `baseUrl` to the REST client but not to the App authentication's own requests, so on GitHub
 * Enterprise Server the installation-token exchange would still go to api.github.com. This fetch sends those
 * requests to the configured API instead.
 */
function enterpriseFetch(baseUrl: string): typeof fetch {
  const target = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.startsWith(DOTCOM_API) ? target + url.slice(DOTCOM_API.length) : input, init);
  };
}

/** Probot's options from the App's credentials in `env`; shared by the server and `mimo worker`. */
function probotOptions(env: MimoEnv, appId: number, privateKey: string, log?: Logger) {
  const baseUrl = env.github.apiBaseUrl;
  return {
    appId,
    privateKey,
    secret: env.github.webhookSecret,
    ...(baseUrl ? { baseUrl, request: { fetch: enterpriseFetch(baseUrl) } } : {}),
    ...(log ? { log } : {}),
  };
}

/**
 * A Probot instance from the App's credentials in `env` (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET,
 * GHE_HOST): the server and `mimo worker` build it the same way. No Redis throttling cluster (REDIS_URL is ours).
 */
export function probotFromEnv(env: MimoEnv, log?: Logger): Probot {
  const { appId, privateKey } = readCredentials(env);
  if (!appId || !privateKey)
    throw new MissingCredentialsError(`${appId ? 'PRIVATE_KEY or PRIVATE_KEY_PATH' : 'APP_ID'} is not set`);
  return new Probot(probotOptions(env, appId, privateKey, log));
}

/**
 * Probot's Server runs its own webhook middleware before any handler added to it, and buffers, verifies and
 * handles a delivery before answering. The inbox must see the request first: its listener replaces Probot's, and
 * passes on every request it does not take. The swap happens in the same tick as `listen` completes, before any
 * request can be read.
 */
function putFirst(http: import('node:http').Server, handler: NodeHandler, log: Logger): void {
  const probotListeners = http.listeners('request') as ((...args: unknown[]) => void)[];
  http.removeAllListeners('request');
  http.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).then(
      (taken) => {
        if (!taken) for (const listener of probotListeners) listener.call(http, req, res);
      },
      (error: unknown) => {
        log.error({ err: error }, 'webhook inbox failed');
        if (!res.headersSent) res.writeHead(500).end();
      },
    );
  });
}

/**
 * Starts the HTTP server as `npm start` does: the app when APP_ID and a private key are configured, otherwise
 * Probot's GitHub App setup flow on `/` so a maintainer can register and install the App from `app.yml`.
 * `GET /healthz` answers in both modes.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const checked = readEnv(options.env ?? processEnv());
  const log = options.log ?? pino({ level: checked.logLevel, name: 'mimo' });
  const requested = options.port ?? checked.http.port;
  const host = checked.http.host;
  // Probot's Server treats port 0 as "use 3000": pick the free port here.
  const port = requested === 0 ? await freePort(host) : requested;
  const { appId, privateKey } = readCredentials(checked);

  if (appId && privateKey) {
    const probot = probotOptions(checked, appId, privateKey, log);
    const server = new Server({
      host,
      port,
      log,
      webhookProxy: checked.github.webhookProxyUrl,
      Probot: Probot.defaults(probot),
      // The Server hands its own `request` option to the Probot it creates, over the defaults above.
      ...(probot.request ? { request: probot.request } : {}),
    });
    await server.load(options.appFn);
    server.addHandler(healthHandler('app'));
    if (options.web) mountWeb(server, options.web);
    const http = await server.start();
    const first = options.webhooks?.();
    if (first) putFirst(http, first, log);
    return { mode: 'app', port: server.port, server, stop: () => server.stop() };
  }

  if (checked.production) {
    throw new MissingCredentialsError(
      `${appId ? 'PRIVATE_KEY or PRIVATE_KEY_PATH' : 'APP_ID'} is not set; production mode needs the GitHub App's credentials (see docs/deploy.md)`,
    );
  }
  // The setup flow's Probot instance is never used to call GitHub; it only needs placeholder credentials.
  const server = new Server({
    host,
    port,
    log,
    Probot: Probot.defaults({ appId: 1, privateKey: 'unused in setup mode', log }),
  });
  const setupAppFactory = await loadProbotSetupFactory();
  await server.loadHandlerFactory(setupAppFactory({ host, port, log: log.child({ name: 'setup' }) }));
  server.addHandler(healthHandler('setup'));
  await server.start();
  return { mode: 'setup', port: server.port, server, stop: () => server.stop() };
}
