import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LIVE_JS, RUN_CSS } from './assets.js';
import { runPath, type Capabilities } from './capability.js';
import { redactSecrets } from './html.js';
import type { Metrics } from './metrics.js';
import { ASSET_PATH, runPage, runsListPage } from './page.js';
import type { RunStore } from './runs.js';

/** What the web routes serve from: one instance of each per process, made where the app starts. */
export interface WebDeps {
  runs: RunStore;
  metrics: Metrics;
  /** Null when no key is configured: run pages then answer 404 like any unknown link. */
  capabilities: Capabilities | null;
  /** When set (MIMO_METRICS_TOKEN), `/metrics` needs `Authorization: Bearer <token>`. */
  metricsToken?: string;
  /** Keep-alive comment interval of the live stream (tests shorten it). */
  heartbeatMs?: number;
}

const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
  'cache-control': 'no-store',
};

function notFound(res: ServerResponse): true {
  res.writeHead(404, { ...PAGE_HEADERS, 'content-type': 'text/plain; charset=utf-8' }).end('Not Found\n');
  return true;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function serveMetrics(deps: WebDeps, req: IncomingMessage, res: ServerResponse): Promise<true> {
  if (deps.metricsToken) {
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!sameSecret(given, deps.metricsToken)) {
      res
        .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' })
        .end('Unauthorized\n');
      return true;
    }
  }
  const { contentType, body } = await deps.metrics.render();
  res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' }).end(body);
  return true;
}

function serveEvents(deps: WebDeps, jobId: string, req: IncomingMessage, res: ServerResponse): true {
  const last = Number(req.headers['last-event-id']);
  const from = Number.isInteger(last) && last >= 0 ? last + 1 : 0;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  let closed = false;
  const heartbeat = setInterval(() => res.write(': ping\n\n'), deps.heartbeatMs ?? 15_000);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  // Only what the page shows goes out: the line, redacted (the page's script sets it as text).
  const unsubscribe = deps.runs.follow(jobId, from, ({ event, index, end }) => {
    if (closed) return;
    if (event && index !== undefined) {
      const line = {
        index,
        ts: event.ts,
        iteration: event.iteration,
        phase: event.phase,
        message: redactSecrets(event.message),
      };
      res.write(`id: ${index}\ndata: ${JSON.stringify(line)}\n\n`);
    }
    if (end) {
      res.write(`event: end\ndata: ${JSON.stringify({ state: end.state })}\n\n`);
      queueMicrotask(close);
    }
  });
  req.on('close', close);
  return true;
}

/**
 * The web organ's routes as a Probot Server handler: `/metrics`, the run pages (`/runs/<job>/<token>`, its live
 * stream `…/events`), an installation's runs list (`/runs/installation/<id>/<token>`) and the page assets. Returns
 * false for every other path so the webhook route and Probot's own handlers answer them. A wrong, missing or
 * revoked token and an unknown job get the same 404.
 */
export function webHandler(deps: WebDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/metrics') return req.method === 'GET' ? serveMetrics(deps, req, res) : false;
    if (path !== '/runs' && !path.startsWith('/runs/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') return notFound(res);
    if (path === `${ASSET_PATH}/run.css`) {
      res
        .writeHead(200, {
          'content-type': 'text/css; charset=utf-8',
          'cache-control': 'public, max-age=3600',
        })
        .end(RUN_CSS);
      return true;
    }
    if (path === `${ASSET_PATH}/live.js`) {
      res
        .writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'public, max-age=3600',
        })
        .end(LIVE_JS);
      return true;
    }
    const caps = deps.capabilities;
    if (!caps) return notFound(res);
    const parts = path
      .split('/')
      .slice(2)
      .map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return '';
        }
      });
    if (parts[0] === 'installation' && parts.length === 3) {
      const id = Number(parts[1]);
      if (!Number.isSafeInteger(id) || !caps.checkInstallation(id, parts[2])) return notFound(res);
      const runs = deps.runs.list(id).map((meta) => ({ meta, href: runPath(caps, meta.jobId) }));
      res
        .writeHead(200, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' })
        .end(runsListPage(id, runs));
      return true;
    }
    const [jobId = '', token, tail] = parts;
    if (parts.length > 3 || (tail !== undefined && tail !== 'events')) return notFound(res);
    if (!caps.checkRun(jobId, token)) return notFound(res);
    const meta = deps.runs.meta(jobId);
    if (!meta) return notFound(res);
    if (tail === 'events') return serveEvents(deps, jobId, req, res);
    const html = runPage(meta, deps.runs.events(jobId), `${runPath(caps, jobId)}/events`);
    res.writeHead(200, { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }).end(html);
    return true;
  };
}
