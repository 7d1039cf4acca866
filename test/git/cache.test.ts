// GitObjectCache against the git smart-HTTP double: real git, real HTTP, real bare repositories.
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GitObjectCache, GitWorkspace } from '../../src/git/index.js';
import type { GitHttpServer } from '../e2e/github-double/git-http.js';
import {
  TOKEN,
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
const scratch: string[] = [];

beforeAll(async () => {
  root = tempDir('cache-root');
  createBareRepo(root, 'octo/big', {
    'README.md': 'hello\n',
    'data/blob.bin': randomBytes(512 * 1024).toString('base64'),
  });
  createBareRepo(root, 'octo/other', { 'other.txt': randomBytes(256 * 1024).toString('base64') });
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

/** Objects stored in the clone's own git dir (not borrowed through alternates). */
function ownObjects(gitDir: string): number {
  const out = git(['count-objects', '-v'], { env: { GIT_DIR: gitDir } });
  const field = (name: string) =>
    Number(/^(\w[\w-]*): (\d+)$/m.exec(out.split('\n').find((l) => l.startsWith(name)) ?? '')?.[2] ?? 0);
  return field('count') + field('in-pack');
}

function newCache(maxBytes?: number): GitObjectCache {
  const dir = tempDir('cache');
  scratch.push(dir);
  return new GitObjectCache({ dir, ...(maxBytes !== undefined ? { maxBytes } : {}) });
}

describe('GitObjectCache', () => {
  it('lets a second clone of the same repository borrow every object, and fetches only what is new', async () => {
    const cache = newCache();
    const url = `${server.url}/octo/big.git`;
    const first = await cache.lease(url, { ref: 'main', token: TOKEN });
    const a = dirs();
    const wsA = await GitWorkspace.clone({
      url,
      token: TOKEN,
      ref: 'main',
      ...a,
      reference: first.objectsDir,
    });
    expect(ownObjects(a.gitDir)).toBe(0);
    expect(await wsA.headSha()).toBe(
      git(['rev-parse', 'main'], { env: { GIT_DIR: join(root, 'octo/big.git') } }).trim(),
    );

    const newer = pushCommit(root, 'octo/big', 'main', { 'README.md': 'hello again\n' });
    const second = await cache.lease(url, { ref: 'main', token: TOKEN });
    const b = dirs();
    const wsB = await GitWorkspace.clone({
      url,
      token: TOKEN,
      ref: 'main',
      ...b,
      reference: second.objectsDir,
    });
    expect(await wsB.headSha()).toBe(newer);
    expect(ownObjects(b.gitDir)).toBe(0);
    // Without the cache the same clone stores everything itself.
    const c = dirs();
    await GitWorkspace.clone({ url, token: TOKEN, ref: 'main', ...c });
    expect(ownObjects(c.gitDir)).toBeGreaterThan(3);
    expect(filesContaining(cache.mirrorOf(url), tokenForms(TOKEN))).toEqual([]);
    first.release();
    second.release();
  });

  it('serves concurrent leases of one mirror, one fetch at a time', async () => {
    const cache = newCache();
    const url = `${server.url}/octo/big.git`;
    const leases = await Promise.all([1, 2, 3].map(() => cache.lease(url, { ref: 'main', token: TOKEN })));
    expect(new Set(leases.map((l) => l.objectsDir)).size).toBe(1);
    for (const l of leases) l.release();
    expect(existsSync(join(cache.mirrorOf(url), 'mimo-lock'))).toBe(false);
  });

  it('stays under its size bound by evicting the least recently used mirror, never a leased one', async () => {
    const cache = newCache(1024); // smaller than any mirror: only leases keep mirrors alive
    const big = `${server.url}/octo/big.git`;
    const other = `${server.url}/octo/other.git`;
    const held = await cache.lease(big, { ref: 'main', token: TOKEN });
    const released = await cache.lease(other, { ref: 'main', token: TOKEN });
    released.release();
    expect(cache.evict()).toEqual([cache.mirrorOf(other)]);
    expect(existsSync(held.objectsDir)).toBe(true);
    held.release();
    expect(cache.evict()).toEqual([cache.mirrorOf(big)]);
  });

  it('walks the cache for eviction on the first lease, then at most once a minute', async () => {
    const cache = newCache();
    const walks = jest.spyOn(cache, 'evict');
    const url = `${server.url}/octo/big.git`;
    const first = await cache.lease(url, { ref: 'main', token: TOKEN });
    const second = await cache.lease(url, { ref: 'main', token: TOKEN });
    expect(walks).toHaveBeenCalledTimes(1);
    first.release();
    second.release();
  });
});
