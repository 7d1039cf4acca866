// GitWorkspace branch/commit/diff on a real clone: only recorded paths are committed, and nothing the repository's
// code wrote (hooks, fsmonitor, a planted .git) runs on the host.
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitWorkspace, InvalidInputError, NothingToCommitError } from '../../src/git/index.js';
import type { GitHttpServer } from '../e2e/github-double/git-http.js';
import { TOKEN, createBareRepo, git, startDouble, tempDir } from './helpers.js';

let root: string;
let server: GitHttpServer;
const scratch: string[] = [];
const bot = { name: 'mimo[bot]', email: '123+mimo[bot]@users.noreply.github.com' };
let repoCount = 0;

beforeAll(async () => {
  root = tempDir('commit-root');
  server = await startDouble(root);
});

afterAll(async () => {
  await server.close();
  for (const dir of [root, ...scratch]) rmSync(dir, { recursive: true, force: true });
});

/** A fresh repository on the double and a workspace cloned from it. */
async function cloneFresh(files: Record<string, string>): Promise<GitWorkspace> {
  const name = `octo/r${++repoCount}`;
  createBareRepo(root, name, files);
  const base = tempDir('ws');
  scratch.push(base);
  return GitWorkspace.clone({
    url: `${server.url}/${name}.git`,
    token: TOKEN,
    ref: 'main',
    dir: join(base, 'work'),
    gitDir: join(base, 'git'),
  });
}

/** `git show --name-status` of a commit, as `[status, path]` pairs. */
function committed(ws: GitWorkspace, sha: string): string[][] {
  const out = git(['--git-dir', ws.gitDir, 'show', '--format=', '--name-status', '--no-renames', sha]);
  return out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

/** An executable shell script that records that it ran by creating `marker`. */
function trap(path: string, marker: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\ntouch '${marker}'\nexit 0\n`);
  chmodSync(path, 0o755);
}

const plainEnv = (ws: GitWorkspace) => ({ GIT_DIR: ws.gitDir, GIT_WORK_TREE: ws.dir });

describe('GitWorkspace.commit', () => {
  it('commits only the recorded paths, including a new file, and leaves other changes on disk', async () => {
    const ws = await cloneFresh({
      'calc.py': 'a = 1\n',
      'other.py': 'b = 1\n',
      'tests/test_calc.py': 't = 1\n',
    });
    const before = await ws.headSha();
    writeFileSync(join(ws.dir, 'calc.py'), 'a = 2\n');
    writeFileSync(join(ws.dir, 'tests/test_new.py'), 'n = 1\n');
    writeFileSync(join(ws.dir, 'other.py'), 'b = 2  # changed by a test run\n');
    mkdirSync(join(ws.dir, '__pycache__'));
    writeFileSync(join(ws.dir, '__pycache__/calc.cpython-311.pyc'), 'bytecode');
    writeFileSync(join(ws.dir, 'coverage.xml'), '<coverage/>');

    expect(await ws.changedFiles()).toEqual([
      '__pycache__/calc.cpython-311.pyc',
      'calc.py',
      'coverage.xml',
      'other.py',
      'tests/test_new.py',
    ]);
    const sha = await ws.commit(['calc.py', 'tests/test_new.py'], 'mimo: fix add()', bot);

    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await ws.headSha()).toBe(sha);
    expect(git(['--git-dir', ws.gitDir, 'rev-parse', `${sha}^`]).trim()).toBe(before);
    expect(committed(ws, sha)).toEqual([
      ['M', 'calc.py'],
      ['A', 'tests/test_new.py'],
    ]);
    expect(git(['--git-dir', ws.gitDir, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%s', sha]).trim()).toBe(
      `${bot.name} <${bot.email}>|${bot.name} <${bot.email}>|mimo: fix add()`,
    );
    expect(await ws.changedFiles()).toEqual(['__pycache__/calc.cpython-311.pyc', 'coverage.xml', 'other.py']);
  });

  it('commits the deletion of a recorded path', async () => {
    const ws = await cloneFresh({ 'keep.py': 'k\n', 'obsolete.py': 'o\n' });
    unlinkSync(join(ws.dir, 'obsolete.py'));
    const sha = await ws.commit(['obsolete.py'], 'remove obsolete module', bot);
    expect(committed(ws, sha)).toEqual([['D', 'obsolete.py']]);
    expect(git(['--git-dir', ws.gitDir, 'ls-tree', '-r', '--name-only', sha]).trim()).toBe('keep.py');
  });

  it('refuses paths outside the work tree or inside .git, and says when nothing recorded changed', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n' });
    for (const path of ['../escape.py', '/etc/passwd', '.git/config', 'sub/.git/hooks/pre-commit']) {
      await expect(ws.commit([path], 'x', bot)).rejects.toThrow(InvalidInputError);
    }
    writeFileSync(join(ws.dir, 'unrecorded.py'), 'u\n');
    await expect(ws.commit(['a.py'], 'x', bot)).rejects.toThrow(NothingToCommitError);
  });

  it('runs no hook from a repository-level core.hooksPath (which plain git would run)', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n', 'b.py': 'b\n' });
    const marker = join(ws.gitDir, '..', 'hook-ran');
    // --no-verify would skip pre-commit alone; post-commit and reference-transaction run on any commit.
    for (const hook of ['pre-commit', 'post-commit', 'reference-transaction', 'post-checkout']) {
      trap(join(ws.dir, '.githooks', hook), marker);
    }
    git(['config', '--file', join(ws.gitDir, 'config'), 'core.hooksPath', join(ws.dir, '.githooks')]);

    // Control: the trap is live for plain git.
    writeFileSync(join(ws.dir, 'b.py'), 'b2\n');
    git(['commit', '-q', '-m', 'plain', '--', 'b.py'], { cwd: ws.dir, env: plainEnv(ws) });
    expect(existsSync(marker)).toBe(true);
    unlinkSync(marker);

    writeFileSync(join(ws.dir, 'a.py'), 'a2\n');
    await ws.createBranch('mimo/fix-1-0000000');
    const sha = await ws.commit(['a.py'], 'fix', bot);
    expect(committed(ws, sha)).toEqual([['M', 'a.py']]);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs no fsmonitor command configured for the repository (which plain git status would run)', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n' });
    const marker = join(ws.gitDir, '..', 'fsmonitor-ran');
    trap(join(ws.dir, 'tools/fsmonitor.sh'), marker);
    git([
      'config',
      '--file',
      join(ws.gitDir, 'config'),
      'core.fsmonitor',
      join(ws.dir, 'tools/fsmonitor.sh'),
    ]);

    git(['status', '--porcelain'], { cwd: ws.dir, env: plainEnv(ws) });
    expect(existsSync(marker)).toBe(true);
    unlinkSync(marker);

    writeFileSync(join(ws.dir, 'a.py'), 'a2\n');
    expect(await ws.changedFiles()).toEqual(['a.py', 'tools/fsmonitor.sh']);
    await ws.commit(['a.py'], 'fix', bot);
    await ws.diff();
    expect(existsSync(marker)).toBe(false);
  });

  it('ignores a repository planted in the work tree by the code under test (which plain git would use)', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n' });
    const marker = join(ws.gitDir, '..', 'planted-ran');
    // What a hostile test can do inside the container: `git init` the mounted work tree and arm it.
    git(['init', '-q', ws.dir]);
    trap(join(ws.dir, '.git/armed/pre-commit'), marker);
    trap(join(ws.dir, '.git/armed/fsmonitor'), marker);
    git(['config', 'core.hooksPath', join(ws.dir, '.git/armed')], { cwd: ws.dir });
    git(['config', 'core.fsmonitor', join(ws.dir, '.git/armed/fsmonitor')], { cwd: ws.dir });

    // Control: git that discovers the repository from the work tree runs the planted code.
    git(['status', '--porcelain'], { cwd: ws.dir });
    expect(existsSync(marker)).toBe(true);
    unlinkSync(marker);

    writeFileSync(join(ws.dir, 'a.py'), 'a2\n');
    expect(await ws.changedFiles()).toEqual(['a.py']);
    const sha = await ws.commit(['a.py'], 'fix', bot);
    expect(git(['--git-dir', ws.gitDir, 'ls-tree', '-r', '--name-only', sha]).trim()).toBe('a.py');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('GitWorkspace after the sandbox took the work tree', () => {
  // The Docker sandbox chowns a root-owned workspace to an unprivileged uid before mounting it; host-side git (root
  // here) must keep working without trusting the tree via safe.directory. Needs root to chown, as in CI.
  const asRoot = process.getuid?.() === 0 ? it : it.skip;
  asRoot('still commits when the work tree belongs to another user', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n' });
    writeFileSync(join(ws.dir, 'a.py'), 'a2\n');
    chownSync(ws.dir, 65534, 65534);
    chownSync(join(ws.dir, 'a.py'), 65534, 65534);
    expect(await ws.changedFiles()).toEqual(['a.py']);
    const sha = await ws.commit(['a.py'], 'fix', bot);
    expect(committed(ws, sha)).toEqual([['M', 'a.py']]);
  });
});

describe('GitWorkspace.createBranch and diff', () => {
  it('creates the fix branch at HEAD without touching the work tree', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n' });
    const head = await ws.headSha();
    writeFileSync(join(ws.dir, 'a.py'), 'edited\n');
    await ws.createBranch('mimo/fix-12-abcdef1');
    expect(git(['--git-dir', ws.gitDir, 'symbolic-ref', 'HEAD']).trim()).toBe(
      'refs/heads/mimo/fix-12-abcdef1',
    );
    expect(await ws.headSha()).toBe(head);
    expect(await ws.changedFiles()).toEqual(['a.py']);
    await expect(ws.createBranch('--force')).rejects.toThrow(InvalidInputError);
    await expect(ws.createBranch('bad..name')).rejects.toThrow(InvalidInputError);
  });

  it('diffs recorded paths (new files included) against HEAD without staging anything', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n', 'gone.py': 'g\n' });
    writeFileSync(join(ws.dir, 'a.py'), 'a2\n');
    writeFileSync(join(ws.dir, 'new.py'), 'n\n');
    writeFileSync(join(ws.dir, 'junk.log'), 'j\n');
    unlinkSync(join(ws.dir, 'gone.py'));

    const recorded = await ws.diff(['a.py', 'new.py', 'gone.py']);
    expect(recorded).toContain('diff --git a/a.py b/a.py');
    expect(recorded).toContain('+a2');
    expect(recorded).toContain('new file mode 100644');
    expect(recorded).toContain('+++ b/new.py');
    expect(recorded).toContain('deleted file mode 100644');
    expect(recorded).not.toContain('junk.log');
    expect(await ws.diff()).toContain('+++ b/junk.log');
    expect(git(['--git-dir', ws.gitDir, 'diff', '--cached', '--name-only']).trim()).toBe('');

    // The patch applies to a pristine checkout of HEAD.
    const check = tempDir('apply');
    scratch.push(check);
    git(['--git-dir', ws.gitDir, '--work-tree', check, 'checkout', '-f', 'HEAD', '--', '.']);
    writeFileSync(join(check, 'fix.patch'), recorded);
    git(['apply', '--check', 'fix.patch'], { cwd: check });
  });
});
