// prepareJob with the git object cache: a job's clone borrows the repository's kept mirror (real git over the
// smart-HTTP double), a second job on the same repository stores no object of its own, and a job's cleanup
// releases its lease so the mirror can be evicted again.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { leaseEarly, prepareJob } from '../../src/app/job/prepare.js';
import type { RepairRequest } from '../../src/app/request.js';
import { defaultConfig } from '../../src/config/index.js';
import { GitObjectCache } from '../../src/git/index.js';
import type { Octokit } from '../../src/github/index.js';
import { startGitHttpServer, type GitHttpServer } from '../e2e/github-double/git-http.js';
import { TOKEN, basic, createBareRepo, git, tempDir } from '../git/helpers.js';

let root: string;
let server: GitHttpServer;
const scratch: string[] = [];
/** Requests the remote answered (each fetch is an info/refs and an upload-pack request). */
let requests = 0;

beforeAll(async () => {
  root = tempDir('prepare-cache-root');
  createBareRepo(root, 'octo/shapes', {
    'shapes.py': 'def area(r):\n    return 3.14159 * r * r\n',
    'tests/test_shapes.py': 'from shapes import area\n\ndef test_area():\n    assert area(1) > 3\n',
  });
  server = await startGitHttpServer({
    root,
    checkAuth: (header) => {
      requests++;
      return header === basic(TOKEN);
    },
  });
});

afterAll(async () => {
  await server.close();
  for (const dir of [root, ...scratch]) rmSync(dir, { recursive: true, force: true });
});

function request(): RepairRequest {
  return {
    mode: 'issue',
    trigger: 'comment',
    deliveryId: 'd-1',
    installationId: 1,
    repo: {
      owner: 'octo',
      name: 'shapes',
      fullName: 'octo/shapes',
      cloneUrl: `${server.url}/octo/shapes.git`,
      defaultBranch: 'main',
    },
    issue: { number: 3, title: 'area is wrong', body: '' },
    requestedBy: 'maintainer',
  } as RepairRequest;
}

/** Objects the clone stores itself (not borrowed through alternates). */
function ownObjects(gitDir: string): number {
  const out = git(['count-objects', '-v'], { env: { GIT_DIR: gitDir } });
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
  return field('count') + field('in-pack');
}

const noOctokit = {} as Octokit; // a comment-triggered job reads no CI log
const config = { ...defaultConfig(), test: 'python -m pytest -q' };

describe('prepareJob with the git object cache', () => {
  it("borrows the repository's mirror, stores nothing of its own on the second job, and releases its lease", async () => {
    const cacheDir = tempDir('prepare-cache');
    const workRoot = tempDir('prepare-work');
    scratch.push(cacheDir, workRoot);
    const cache = new GitObjectCache({ dir: cacheDir });
    const mirror = cache.mirrorOf(request().repo.cloneUrl);

    const first = await prepareJob(noOctokit, TOKEN, request(), {
      workRoot,
      config,
      mirror: leaseEarly(cache, request(), TOKEN),
    });
    const gitDirOf = (dir: string) => join(dir, '..', 'git');
    const alternates = readFileSync(join(gitDirOf(first.dir), 'objects', 'info', 'alternates'), 'utf8');
    expect(alternates.trim()).toBe(join(mirror, 'objects'));
    expect(readFileSync(join(first.dir, 'shapes.py'), 'utf8')).toContain('3.14159');
    expect(readdirSync(join(mirror, 'mimo-leases'))).toHaveLength(1);

    requests = 0;
    const second = await prepareJob(noOctokit, TOKEN, request(), {
      workRoot,
      config,
      mirror: leaseEarly(cache, request(), TOKEN),
    });
    expect(ownObjects(gitDirOf(second.dir))).toBe(0);
    // Only the mirror asked the remote: the clone took the commit the mirror had just fetched.
    expect(requests).toBe(2);
    expect(await second.git.headSha()).toBe(await first.git.headSha());
    expect(readdirSync(join(mirror, 'mimo-leases'))).toHaveLength(2);

    await first.cleanup();
    await second.cleanup();
    expect(existsSync(first.dir)).toBe(false);
    expect(readdirSync(join(mirror, 'mimo-leases'))).toEqual([]);
    // Without a lease the mirror may go: a cache bounded to nothing evicts it.
    expect(new GitObjectCache({ dir: cacheDir, maxBytes: 0 }).evict()).toEqual([mirror]);
  });

  it('releases a lease taken early when the job ends before its clone', async () => {
    const cacheDir = tempDir('prepare-cache');
    scratch.push(cacheDir);
    const cache = new GitObjectCache({ dir: cacheDir });
    const early = leaseEarly(cache, request(), TOKEN);
    const held = await early.take();
    expect(held.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(readdirSync(join(cache.mirrorOf(request().repo.cloneUrl), 'mimo-leases'))).toHaveLength(1);
    early.drop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(join(cache.mirrorOf(request().repo.cloneUrl), 'mimo-leases'))).toEqual([]);
  });

  it('fetches from the remote itself when the mirror could not fetch', async () => {
    const cacheDir = tempDir('prepare-cache');
    const workRoot = tempDir('prepare-work');
    scratch.push(cacheDir, workRoot);
    const cache = new GitObjectCache({ dir: cacheDir });
    // A token the remote refuses for the mirror: the lease has no commit, and the clone's own fetch (with the job's
    // token) still gets the work tree.
    const job = await prepareJob(noOctokit, TOKEN, request(), {
      workRoot,
      config,
      mirror: leaseEarly(cache, request(), 'ghs_refused'),
    });
    expect(readFileSync(join(job.dir, 'shapes.py'), 'utf8')).toContain('3.14159');
    await job.cleanup();
  });

  it('clones in full without a cache', async () => {
    const workRoot = tempDir('prepare-work');
    scratch.push(workRoot);
    const job = await prepareJob(noOctokit, TOKEN, request(), { workRoot, config });
    expect(existsSync(join(job.dir, '..', 'git', 'objects', 'info', 'alternates'))).toBe(false);
    expect(ownObjects(join(job.dir, '..', 'git'))).toBeGreaterThan(3);
    await job.cleanup();
  });
});
