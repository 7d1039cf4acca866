// Git smart HTTP for the GitHub double: real clones, fetches and pushes over loopback, served by `git http-backend`
// (the CGI program git ships) over bare repositories laid out as `<root>/<owner>/<name>.git`.
//
// Authentication mirrors github.com: every request's Authorization header goes to `checkAuth`. A request that fails
// it gets 401 + `WWW-Authenticate: Basic`, except a push whose credentials are good enough to read: that one gets 403
// (authenticated, not authorized), which is what GitHub answers when an installation token lacks `contents: write`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface GitHttpServerOptions {
  /** Directory holding bare repositories as `<owner>/<name>.git`. */
  root: string;
  /** Decides each request: `header` is the raw Authorization header, `repo` is `owner/name`, `write` is a push. */
  checkAuth(header: string | undefined, repo: string, write: boolean): boolean;
}

export interface GitHttpServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; a repository is at `${url}/owner/name.git`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

type Service = 'git-upload-pack' | 'git-receive-pack';

interface Route {
  owner: string;
  name: string;
  /** `/info/refs`, `/git-upload-pack` or `/git-receive-pack`. */
  endpoint: string;
  service: Service;
}

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const PATH = /^\/([^/]+)\/([^/]+?)(?:\.git)?(\/info\/refs|\/git-upload-pack|\/git-receive-pack)$/;

/** Maps a request onto a smart-HTTP route; the dumb protocol and everything else are not served. */
export function routeGitRequest(method: string, rawUrl: string): Route | { status: number; message: string } {
  const url = new URL(rawUrl, 'http://double.invalid');
  const match = PATH.exec(url.pathname);
  if (!match) return { status: 404, message: 'Not Found' };
  const [, owner = '', name = '', endpoint = ''] = match;
  if (!SEGMENT.test(owner) || !SEGMENT.test(name)) return { status: 404, message: 'Not Found' };
  if (endpoint === '/info/refs') {
    const service = url.searchParams.get('service');
    if (method !== 'GET') return { status: 405, message: 'Method Not Allowed' };
    if (service !== 'git-upload-pack' && service !== 'git-receive-pack') {
      return {
        status: 403,
        message: 'Only the smart HTTP protocol is served (service=git-upload-pack|git-receive-pack)',
      };
    }
    return { owner, name, endpoint, service };
  }
  if (method !== 'POST') return { status: 405, message: 'Method Not Allowed' };
  return { owner, name, endpoint, service: endpoint.slice(1) as Service };
}

/** The user name of a Basic Authorization header (`x-access-token` for installation tokens), if there is one. */
function basicUser(header: string | undefined): string | undefined {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(0, colon) : undefined;
}

function answer(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${message}\n`);
}

/** Parses a CGI response head (`Status:` plus headers) into an HTTP status and header list. */
function parseCgiHead(head: string): { status: number; headers: [string, string][] } {
  let status = 200;
  const headers: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers.push([key, value]);
  }
  return { status, headers };
}

function runBackend(
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  root: string,
  children: Set<ChildProcess>,
): void {
  const write = route.service === 'git-receive-pack';
  const url = new URL(req.url ?? '/', 'http://double.invalid');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${route.owner}/${route.name}.git${route.endpoint}`,
    QUERY_STRING: url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    // receive-pack only for requests checkAuth allowed to write; GitHub lets any reachable commit be fetched by id.
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: 'http.receivepack',
    GIT_CONFIG_VALUE_0: write ? 'true' : 'false',
    GIT_CONFIG_KEY_1: 'uploadpack.allowAnySHA1InWant',
    GIT_CONFIG_VALUE_1: 'true',
  };
  const length = req.headers['content-length'];
  if (length !== undefined) env.CONTENT_LENGTH = length;
  // git http-backend inflates gzip'd request bodies itself when told the encoding (clients gzip large negotiations).
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined) env.HTTP_CONTENT_ENCODING = encoding;
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;
  const user = basicUser(req.headers.authorization);
  if (user !== undefined) env.REMOTE_USER = user;

  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  let head: Buffer = Buffer.alloc(0);
  let headDone = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (headDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const text = head.toString('latin1');
    const crlf = text.indexOf('\r\n\r\n');
    const lf = text.indexOf('\n\n');
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
    if (end < 0) return;
    headDone = true;
    const parsed = parseCgiHead(text.slice(0, end));
    res.writeHead(parsed.status, parsed.headers.flat());
    if (end < head.length) res.write(head.subarray(end));
  });
  child.on('close', (code) => {
    children.delete(child);
    if (!headDone) {
      answer(res, 500, `git http-backend exited with ${code}: ${stderr.trim()}`);
      return;
    }
    res.end();
  });
  child.stdin.on('error', () => undefined);
  req.pipe(child.stdin);
}

/** Starts the git smart-HTTP server on 127.0.0.1 with an ephemeral port. */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const children = new Set<ChildProcess>();
  const server = createServer((req, res) => {
    const route = routeGitRequest(req.method ?? 'GET', req.url ?? '/');
    if ('status' in route) {
      answer(res, route.status, route.message);
      return;
    }
    const repo = `${route.owner}/${route.name}`;
    if (!existsSync(join(options.root, route.owner, `${route.name}.git`))) {
      answer(res, 404, 'Repository not found.');
      return;
    }
    const header = req.headers.authorization;
    const write = route.service === 'git-receive-pack';
    if (!options.checkAuth(header, repo, write)) {
      if (write && header !== undefined && options.checkAuth(header, repo, false)) {
        answer(res, 403, `Permission to ${repo}.git denied to ${basicUser(header) ?? 'this token'}.`);
      } else {
        answer(res, 401, 'Invalid username or token.', { 'WWW-Authenticate': 'Basic realm="GitHub"' });
      }
      req.resume();
      return;
    }
    runBackend(req, res, route, options.root, children);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const child of children) child.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
