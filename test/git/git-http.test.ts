// The GitHub double's git smart-HTTP server, exercised with the real git client and raw HTTP requests.
import { rmSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { GitHttpServer } from '../e2e/github-double/git-http.js';
import { routeGitRequest } from '../e2e/github-double/git-http.js';
import {
  READ_ONLY_TOKEN,
  TOKEN,
  basic,
  createBareRepo,
  git,
  gitAsync,
  startDouble,
  tempDir,
} from './helpers.js';

let root: string;
let server: GitHttpServer;
let seedSha: string;

beforeAll(async () => {
  root = tempDir('double');
  seedSha = createBareRepo(root, 'octo/app', { 'README.md': 'hello\n', 'src/x.py': 'x = 1\n' });
  server = await startDouble(root);
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const header = (token: string) => `http.extraHeader=Authorization: ${basic(token)}`;

describe('git smart HTTP double', () => {
  it('listens on loopback only', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('serves a real clone to a client that sends an accepted token', async () => {
    const dir = tempDir('clone');
    await gitAsync(['-c', header(TOKEN), 'clone', '-q', `${server.url}/octo/app.git`, dir]);
    expect(readFileSync(join(dir, 'src/x.py'), 'utf8')).toBe('x = 1\n');
    expect(git(['rev-parse', 'HEAD'], { cwd: dir }).trim()).toBe(seedSha);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 401 with a Basic challenge without credentials or with a wrong token', async () => {
    for (const authorization of [undefined, basic('ghs_wrong')]) {
      const res = await fetch(`${server.url}/octo/app.git/info/refs?service=git-upload-pack`, {
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    const dir = tempDir('refused');
    await expect(gitAsync(['clone', '-q', `${server.url}/octo/app.git`, join(dir, 'w')])).rejects.toThrow(
      /terminal prompts disabled|Authentication failed|401/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 403 to a push whose token may read but not write, and accepts a push with a writing token', async () => {
    const denied = await fetch(`${server.url}/octo/app.git/info/refs?service=git-receive-pack`, {
      headers: { authorization: basic(READ_ONLY_TOKEN) },
    });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('Permission to octo/app.git denied');

    const dir = tempDir('push');
    await gitAsync(['-c', header(TOKEN), 'clone', '-q', `${server.url}/octo/app.git`, dir]);
    writeFileSync(join(dir, 'README.md'), 'changed\n');
    git(['commit', '-q', '-am', 'change'], { cwd: dir });
    await gitAsync(['-c', header(TOKEN), 'push', '-q', 'origin', 'HEAD:refs/heads/feature'], { cwd: dir });
    const pushed = git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
    expect(git(['--git-dir', join(root, 'octo/app.git'), 'rev-parse', 'refs/heads/feature']).trim()).toBe(
      pushed,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it('inflates a gzip-encoded upload-pack request body', async () => {
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const body = gzipSync(Buffer.from(`${pkt(`want ${seedSha}\n`)}0000${pkt('done\n')}`));
    const res = await fetch(`${server.url}/octo/app.git/git-upload-pack`, {
      method: 'POST',
      headers: {
        authorization: basic(TOKEN),
        'content-type': 'application/x-git-upload-pack-request',
        'content-encoding': 'gzip',
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.includes(Buffer.from('PACK'))).toBe(true);
  });

  it('answers 404 for unknown repositories and serves no dumb-protocol or traversal paths', async () => {
    const auth = { authorization: basic(TOKEN) };
    const missing = await fetch(`${server.url}/octo/nope.git/info/refs?service=git-upload-pack`, {
      headers: auth,
    });
    expect(missing.status).toBe(404);
    const dumb = await fetch(`${server.url}/octo/app.git/info/refs`, { headers: auth });
    expect(dumb.status).toBe(403);
    const objects = await fetch(`${server.url}/octo/app.git/HEAD`, { headers: auth });
    expect(objects.status).toBe(404);
    expect(routeGitRequest('GET', '/../app.git/info/refs?service=git-upload-pack')).toEqual({
      status: 404,
      message: 'Not Found',
    });
    expect(routeGitRequest('GET', '/%2e%2e/app.git/info/refs?service=git-upload-pack')).toEqual({
      status: 404,
      message: 'Not Found',
    });
  });
});
