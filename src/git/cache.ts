import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GitRunner } from './runner.js';
import { fetchRef, remoteUrl } from './validate.js';

/**
 * A per-repository git object cache on the app host: one bare mirror per remote URL, fetched incrementally, that a
 * job's clone borrows objects from (git alternates), so a second job on the same repository fetches only what is
 * new. Safe across concurrent jobs and processes: a mirror is fetched under a lock, objects are only ever added
 * (no gc, no prune), and a mirror is evicted — least recently used first, to keep the cache under `maxBytes` — only
 * when no live process holds a lease on it.
 */
export interface GitObjectCacheOptions {
  dir: string;
  /** Upper bound of the cache's size on disk; evicting never touches a leased mirror (default 2 GiB). */
  maxBytes?: number;
  /** How long to wait for another process's fetch into the same mirror (default 10 min). */
  lockTimeoutMs?: number;
}

/** A mirror held for one job: its objects directory stays until released. */
export interface CacheLease {
  objectsDir: string;
  /** The ref's commit as this lease's fetch got it; absent when the fetch failed (the clone then fetches itself). */
  commit?: string;
  release(): void;
}

interface Owner {
  host: string;
  pid: number;
}

const EVICT_EVERY_MS = 60_000;

const me = (): Owner => ({ host: hostname(), pid: process.pid });

function alive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true; // another host's lease on a shared disk: never judged dead here
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

function sizeOf(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

export class GitObjectCache {
  private readonly maxBytes: number;
  private readonly lockTimeoutMs: number;
  private evictedAt = 0;

  constructor(private readonly options: GitObjectCacheOptions) {
    this.maxBytes = options.maxBytes ?? 2 * 1024 ** 3;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 600_000;
    mkdirSync(options.dir, { recursive: true });
  }

  /** The mirror directory of a remote URL (credentials are never part of the URL). */
  mirrorOf(url: string): string {
    return join(
      this.options.dir,
      `${createHash('sha256').update(remoteUrl(url)).digest('hex').slice(0, 24)}.git`,
    );
  }

  /**
   * Brings the mirror of `url` up to date with `ref` (the token is a header for this one fetch, as for clones) and
   * leases it. A failed fetch still leases what the mirror has: the clone then fetches the rest itself.
   */
  async lease(
    url: string,
    options: { ref: string; token?: string; signal?: AbortSignal },
  ): Promise<CacheLease> {
    const mirror = this.mirrorOf(url);
    const leases = join(mirror, 'mimo-leases');
    const lease = join(leases, `${process.pid}-${randomBytes(4).toString('hex')}`);
    let commit: string | undefined;
    await this.locked(mirror, async () => {
      const git = new GitRunner({ dir: this.options.dir, gitDir: mirror });
      if (!existsSync(join(mirror, 'objects'))) await git.run(['init', '--quiet']); // an object store: GIT_DIR is the mirror, its work tree never used
      mkdirSync(leases, { recursive: true });
      writeFileSync(lease, JSON.stringify(me()));
      const ref = fetchRef(options.ref);
      const name = `refs/mimo/cache/${createHash('sha256').update(ref).digest('hex').slice(0, 16)}`;
      commit = await git
        .run(
          ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', remoteUrl(url), `+${ref}:${name}`],
          {
            ...(options.token ? { token: options.token } : {}),
            ...(options.signal ? { signal: options.signal } : {}),
          },
        )
        .then(async () => (await git.run(['rev-parse', '--verify', `${name}^{commit}`])).trim())
        .catch(() => undefined);
      const now = new Date();
      utimesSync(mirror, now, now);
    });
    // Eviction walks every mirror's files (synchronously): at most once a minute, not on every job. Between two
    // walks the cache can only grow by the fetches of that minute's jobs.
    if (Date.now() - this.evictedAt >= EVICT_EVERY_MS) this.evict();
    return {
      objectsDir: join(mirror, 'objects'),
      ...(commit ? { commit } : {}),
      release: () => rmSync(lease, { force: true }),
    };
  }

  /** Removes least recently used mirrors without a live lease until the cache fits in maxBytes. */
  evict(): string[] {
    this.evictedAt = Date.now();
    const mirrors = readdirSync(this.options.dir)
      .filter((name) => name.endsWith('.git'))
      .map((name) => {
        const path = join(this.options.dir, name);
        return { path, used: statSync(path).mtimeMs, bytes: sizeOf(path) };
      })
      .sort((a, b) => a.used - b.used);
    let total = mirrors.reduce((sum, m) => sum + m.bytes, 0);
    const removed: string[] = [];
    for (const mirror of mirrors) {
      if (total <= this.maxBytes) break;
      if (this.leased(mirror.path) || existsSync(join(mirror.path, 'mimo-lock'))) continue;
      rmSync(mirror.path, { recursive: true, force: true });
      total -= mirror.bytes;
      removed.push(mirror.path);
    }
    return removed;
  }

  private leased(mirror: string): boolean {
    const leases = join(mirror, 'mimo-leases');
    if (!existsSync(leases)) return false;
    let held = false;
    for (const name of readdirSync(leases)) {
      const owner = readOwner(join(leases, name));
      if (owner && alive(owner)) held = true;
      else rmSync(join(leases, name), { force: true }); // its process is gone
    }
    return held;
  }

  /** Runs `body` holding the mirror's lock (a directory made atomically; a dead owner's lock is taken over). */
  private async locked(mirror: string, body: () => Promise<void>): Promise<void> {
    mkdirSync(mirror, { recursive: true });
    const lock = join(mirror, 'mimo-lock');
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      try {
        mkdirSync(lock);
        writeFileSync(join(lock, 'owner'), JSON.stringify(me()));
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = readOwner(join(lock, 'owner'));
        const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        // A dead owner's lock, or one whose owner died before naming itself, is taken over.
        if ((owner && !alive(owner)) || (!owner && age > 60_000))
          rmSync(lock, { recursive: true, force: true });
        else if (Date.now() > deadline)
          throw new Error(`the git cache ${mirror} stayed locked for ${this.lockTimeoutMs / 1000} s`, {
            cause: error,
          });
        else await new Promise((r) => setTimeout(r, 100));
      }
    }
    try {
      await body();
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
