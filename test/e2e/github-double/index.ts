// A local GitHub for end-to-end tests: REST under /api/v3 (as on GitHub Enterprise Server, so the app reaches it
// with GHE_HOST/GHE_PROTOCOL), git smart HTTP for real clones and pushes, installation tokens checked on every
// request, signed webhook deliveries to the app's real endpoint, and OpenAPI validation of all REST traffic.
import { createPublicKey, generateKeyPairSync, randomBytes, randomUUID, verify } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryLog, type DeliveryAttempt } from './deliveries.js';
import { startGitHttpServer } from './git-http.js';
import { example, validateExchange } from './openapi.js';
import { createRest } from './rest.js';
import { DoubleState } from './state.js';

export { DoubleState } from './state.js';
export type { RepoState, PullState } from './state.js';
export type { DeliveryAttempt } from './deliveries.js';

/** Faults the double injects into its REST answers (not into git), to test how the app copes with GitHub. */
export interface DoubleFaults {
  /** Every REST answer (including the App's JWT calls) waits this long. */
  latencyMs: number;
  /** The next N installation-authenticated REST calls fail with this status and headers. */
  fail?: { count: number; status: number; headers?: Record<string, string> };
}

export interface GitHubDouble {
  state: DoubleState;
  /** `http://127.0.0.1:PORT`; the API is at `${url}/api/v3`. */
  url: string;
  host: string;
  gitUrl: string;
  appPrivateKey: string;
  webhookSecret: string;
  /** REST exchanges GitHub's schemas reject (must stay empty). */
  violations: string[];
  requests: { method: string; path: string; body: unknown; status: number }[];
  /** Repositories whose pushes are refused (403), as for a token without contents: write. */
  denyPush: Set<string>;
  deliver(
    target: string,
    event: string,
    payload: object,
    id?: string,
  ): Promise<{ status: number; id: string }>;
  /** Every delivery attempt the double made, as the deliveries API reports them. */
  deliveries: DeliveryAttempt[];
  faults: DoubleFaults;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

function verifyAppJwt(header: string | undefined, publicKey: ReturnType<typeof createPublicKey>): boolean {
  const jwt = /^bearer (.+)$/i.exec(header ?? '')?.[1];
  const [h, p, sig] = jwt?.split('.') ?? [];
  if (!h || !p || !sig) return false;
  const ok = verify('RSA-SHA256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(sig, 'base64url'));
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { exp?: number };
  return ok && (claims.exp ?? 0) * 1000 > Date.now();
}

export async function startGitHubDouble(): Promise<GitHubDouble> {
  const state = new DoubleState();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const appPrivateKey = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const webhookSecret = randomBytes(16).toString('hex');
  const violations: string[] = [];
  const requests: GitHubDouble['requests'] = [];
  const denyPush = new Set<string>();
  const rest = createRest(state);
  const deliveryLog = new DeliveryLog(webhookSecret);
  const faults: DoubleFaults = { latencyMs: 0 };
  let baseUrl = '';
  const git = await startGitHttpServer({
    root: state.root,
    checkAuth(header, repo, write) {
      const [user, token] = Buffer.from(/^Basic (.+)$/i.exec(header ?? '')?.[1] ?? '', 'base64')
        .toString()
        .split(':');
      const valid = user === 'x-access-token' && token !== undefined && state.tokens.has(token);
      return valid && !(write && denyPush.has(repo));
    },
  });

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://double');
      const path = url.pathname.replace(/^\/api\/v3/, '');
      const body = await readBody(req);
      if (faults.latencyMs > 0 && !path.startsWith('/_logs/'))
        await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      const send = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
        requests.push({ method: req.method ?? 'GET', path, body, status });
        res
          .writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
          .end(json === undefined ? '' : JSON.stringify(json));
      };
      const appAuth =
        path === '/app' ||
        /^\/app\/installations\/\d+\/access_tokens$/.test(path) ||
        path.startsWith('/app/hook/deliveries');
      if (appAuth) {
        if (!verifyAppJwt(req.headers.authorization, publicKey))
          return send(401, { message: 'A JSON web token could not be decoded', documentation_url: '' });
        const hook = await deliveryLog.handle(
          req.method ?? 'GET',
          path,
          url.searchParams,
          `${baseUrl}/api/v3`,
        );
        if (hook) {
          violations.push(...validateExchange(req.method ?? 'GET', path, body, hook.status, hook.body));
          return send(hook.status, hook.body, hook.headers);
        }
        if (path === '/app') {
          const app = Object.assign(example('integration'), { slug: 'mimo-code', name: 'mimo-code' });
          return send(200, app);
        }
        const token = `ghs_${randomBytes(18).toString('hex')}`;
        state.tokens.add(token);
        const body201 = Object.assign(example('installation-token'), {
          token,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
        });
        violations.push(...validateExchange('POST', path, body ?? {}, 201, body201));
        return send(201, body201);
      }
      if (!path.startsWith('/_logs/')) {
        const token = /^(?:token|bearer) (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!token || !state.tokens.has(token))
          return send(401, { message: 'Bad credentials', documentation_url: '' });
        if (faults.fail && faults.fail.count > 0) {
          faults.fail.count--;
          const failure = {
            message: `the double failed this call with ${faults.fail.status}`,
            documentation_url: '',
          };
          return send(faults.fail.status, failure, faults.fail.headers);
        }
      }
      const answer = rest({
        method: req.method ?? 'GET',
        path,
        query: url.searchParams,
        body,
        token: null,
        baseUrl: `${baseUrl}/api/v3`,
        gitUrl: git.url,
      });
      if (answer.text !== undefined) {
        requests.push({ method: req.method ?? 'GET', path, body, status: answer.status });
        return res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.text);
      }
      if (
        answer.status !== 404 ||
        !String((answer.body as { message?: string })?.message).startsWith('the double')
      ) {
        violations.push(
          ...validateExchange(
            req.method ?? 'GET',
            path,
            body,
            answer.status,
            answer.status === 302 ? undefined : answer.body,
          ),
        );
      } else {
        violations.push(`${req.method} ${path}: not implemented by the double`);
      }
      send(answer.status, answer.body, answer.headers);
    })().catch((error: unknown) => {
      violations.push(`double crashed on ${req.method} ${req.url}: ${String(error)}`);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    state,
    url: baseUrl,
    host: `127.0.0.1:${port}`,
    gitUrl: git.url,
    appPrivateKey,
    webhookSecret,
    violations,
    requests,
    denyPush,
    deliveries: deliveryLog.attempts,
    faults,
    async deliver(target, event, payload, id: string = randomUUID()) {
      const attempt = await deliveryLog.send(target, event, JSON.stringify(payload), id);
      return { status: attempt.statusCode, id };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await git.close();
    },
  };
}
