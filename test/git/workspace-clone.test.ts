// GitWorkspace.clone against the git smart-HTTP double: real git, real HTTP, real bare repositories.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CloneError, GitError, GitWorkspace, InvalidInputError } from '../../src/git/index.js';
import type { GitHttpServer } from '../e2e/github-double/git-http.js';
import {
  READ_ONLY_TOKEN,
  TOKEN,
  allFiles,
  createBareRepo,
  filesContaining,
  git,
  pushCommit,
  startDouble,
  tempDir,
  tokenForms,
} from './helpers.js';

let root: string;
let server: GitHttpServer;
let seedSha: string;
const scratch: string[] = [];

beforeAll(async () => {
  root = tempDir('clone-root');
  seedSha = createBareRepo(root, 'octo/app', {
    'README.md': 'hello\n',
    'src/calc.py': 'def add(a, b):\n  return a - b\n',
  });
  server = await startDouble(root);
});

afterAll(async () => {
  await server.close();
  for (const dir of [root, ...scratch]) rmSync(dir, { recursive: true, force: true });
});

function dirs(): { dir: string; gitDir: string } {
  const base = tempDir('ws');
  scratch.push(base);
  return { dir: join(base, 'work'), gitDir: join(base, 'git') };
}

function errorText(error: unknown): string {
  return JSON.stringify(error, Object.getOwnPropertyNames(error as object)) + String(error);
}

describe('GitWorkspace.clone', () => {
  it('checks out the ref with the token, keeping the git dir outside the work tree and the token nowhere on disk', async () => {
    const { dir, gitDir } = dirs();
    const ws = await GitWorkspace.clone({
      url: `${server.url}/octo/app.git`,
      token: TOKEN,
      ref: 'main',
      dir,
      gitDir,
    });

    expect(await ws.headSha()).toBe(seedSha);
    expect(readFileSync(join(dir, 'src/calc.py'), 'utf8')).toContain('return a - b');
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'src']);
    expect(existsSync(join(dir, '.git'))).toBe(false);
    expect(existsSync(join(gitDir, 'HEAD'))).toBe(true);
    expect(allFiles(gitDir).length).toBeGreaterThan(3);
    expect(filesContaining(dir, tokenForms(TOKEN))).toEqual([]);
    expect(filesContaining(gitDir, tokenForms(TOKEN))).toEqual([]);
    expect(git(['config', '--file', join(gitDir, 'config'), '--list'])).not.toMatch(
      /extraheader|x-access-token/i,
    );
  });

  it('is refused without a token and with a wrong one, saying what to check and leaving nothing behind', async () => {
    for (const token of [undefined, 'ghs_WrongToken000000000000000000000']) {
      const { dir, gitDir } = dirs();
      const attempt = GitWorkspace.clone({
        url: `${server.url}/octo/app.git`,
        token,
        ref: 'main',
        dir,
        gitDir,
      });
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CloneError);
      expect((error as CloneError).reason).toBe('unauthenticated');
      expect((error as CloneError).message).toMatch(/GitHub App is installed/);
      if (token) for (const form of tokenForms(token)) expect(errorText(error)).not.toContain(form);
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(gitDir)).toBe(false);
    }
  });

  it('checks out the requested commit when the branch has moved on since', async () => {
    createBareRepo(root, 'octo/moving', { 'a.txt': 'one\n' });
    const first = git(['--git-dir', join(root, 'octo/moving.git'), 'rev-parse', 'main']).trim();
    const second = pushCommit(root, 'octo/moving', 'main', { 'a.txt': 'two\n' });
    expect(second).not.toBe(first);
    const { dir, gitDir } = dirs();
    const ws = await GitWorkspace.clone({
      url: `${server.url}/octo/moving.git`,
      token: TOKEN,
      ref: 'main',
      sha: first,
      dir,
      gitDir,
    });
    expect(await ws.headSha()).toBe(first);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one\n');
  });

  it('fetches the requested commit by id when the ref does not contain it (a force-pushed head)', async () => {
    createBareRepo(root, 'octo/forced', { 'a.txt': 'base\n' });
    const bare = join(root, 'octo/forced.git');
    git(['--git-dir', bare, 'branch', 'old-head', 'main']);
    const orphaned = pushCommit(root, 'octo/forced', 'old-head', { 'a.txt': 'before the force-push\n' });
    const ws = await GitWorkspace.clone({
      url: `${server.url}/octo/forced.git`,
      token: TOKEN,
      ref: 'main',
      sha: orphaned,
      ...dirs(),
    });
    expect(await ws.headSha()).toBe(orphaned);
    expect(readFileSync(join(ws.dir, 'a.txt'), 'utf8')).toBe('before the force-push\n');
  });

  it('fetches a pull request ref such as refs/pull/7/head', async () => {
    const prSha = pushCommit(root, 'octo/app', 'main', { 'README.md': 'pr change\n' });
    git(['--git-dir', join(root, 'octo/app.git'), 'update-ref', 'refs/pull/7/head', prSha]);
    git(['--git-dir', join(root, 'octo/app.git'), 'update-ref', 'refs/heads/main', seedSha]);
    const { dir, gitDir } = dirs();
    const ws = await GitWorkspace.clone({
      url: `${server.url}/octo/app.git`,
      token: READ_ONLY_TOKEN,
      ref: 'refs/pull/7/head',
      dir,
      gitDir,
    });
    expect(await ws.headSha()).toBe(prSha);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('pr change\n');
  });

  it('names a missing ref, a missing commit and a missing repository distinctly', async () => {
    const url = `${server.url}/octo/app.git`;
    const cases: [Partial<Parameters<typeof GitWorkspace.clone>[0]>, string][] = [
      [{ ref: 'no-such-branch' }, 'ref-not-found'],
      [{ ref: 'main', sha: 'f'.repeat(40) }, 'commit-not-found'],
      [{ ref: 'main', url: `${server.url}/octo/missing.git` }, 'not-found'],
    ];
    for (const [overrides, reason] of cases) {
      const error = await GitWorkspace.clone({
        url,
        token: TOKEN,
        ref: 'main',
        ...dirs(),
        ...overrides,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CloneError);
      expect((error as CloneError).reason).toBe(reason);
    }
  });

  it('refuses a git dir inside the work tree, a non-empty work tree and a URL carrying credentials', async () => {
    const { dir, gitDir } = dirs();
    const url = `${server.url}/octo/app.git`;
    await expect(
      GitWorkspace.clone({ url, token: TOKEN, ref: 'main', dir, gitDir: join(dir, '.git') }),
    ).rejects.toThrow(InvalidInputError);
    mkdirSync(join(dir, 'leftover'), { recursive: true });
    await expect(GitWorkspace.clone({ url, token: TOKEN, ref: 'main', dir, gitDir })).rejects.toThrow(
      /must be empty/,
    );
    const withCredentials = url.replace('http://', `http://x-access-token:${TOKEN}@`);
    const error = await GitWorkspace.clone({ url: withCredentials, ref: 'main', ...dirs() }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(errorText(error)).not.toContain(TOKEN);
    const malformed = await GitWorkspace.clone({
      url: `x-access-token:${TOKEN}@host`,
      ref: 'main',
      ...dirs(),
    }).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(InvalidInputError);
    expect(errorText(malformed)).not.toContain(TOKEN);
  });

  it('stops a clone from a server that never answers when its signal aborts, leaving nothing behind', async () => {
    const controller = new AbortController();
    // A server that accepts the request and never responds; the job's cancellation arrives meanwhile.
    const hung = createServer(() => controller.abort());
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', () => resolve()));
    const { port } = hung.address() as AddressInfo;
    const { dir, gitDir } = dirs();
    const error = await GitWorkspace.clone({
      url: `http://127.0.0.1:${port}/octo/app.git`,
      token: TOKEN,
      ref: 'main',
      dir,
      gitDir,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    hung.closeAllConnections();
    hung.close();
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toMatch(/stopped: the job was cancelled/);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(gitDir)).toBe(false);
  });
});
