// GitWorkspace.commitEdits on a real clone: the commit is HEAD plus exactly the recorded edits, whatever the work
// tree holds (the sandbox's code ran there), each checked against HEAD's content.
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EditConflictError,
  GitWorkspace,
  NothingToCommitError,
  UnsafeEditPathError,
} from '../../src/git/index.js';
import type { GitHttpServer } from '../e2e/github-double/git-http.js';
import { TOKEN, createBareRepo, git, startDouble, tempDir } from './helpers.js';

let root: string;
let server: GitHttpServer;
const scratch: string[] = [];
const bot = { name: 'mimo[bot]', email: '123+mimo[bot]@users.noreply.github.com' };
let repoCount = 0;

beforeAll(async () => {
  root = tempDir('commit-edits-root');
  server = await startDouble(root);
});

afterAll(async () => {
  await server.close();
  for (const dir of [root, ...scratch]) rmSync(dir, { recursive: true, force: true });
});

async function cloneFresh(files: Record<string, string>): Promise<GitWorkspace> {
  const name = `octo/ce${++repoCount}`;
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

const show = (ws: GitWorkspace, spec: string) => git(['--git-dir', ws.gitDir, 'show', spec]);

describe('GitWorkspace.commitEdits', () => {
  it('commits the edits and not what a test run appended to the same file in the work tree', async () => {
    const ws = await cloneFresh({ 'calc.py': 'def add(a, b):\n    return a - b\n', 'util.py': 'u = 1\n' });
    // The test run appended a line to calc.py in the work tree; the recorded edit was made on HEAD's content.
    writeFileSync(join(ws.dir, 'calc.py'), 'def add(a, b):\n    return a + b\nimport os\n');
    writeFileSync(join(ws.dir, 'util.py'), 'u = 2  # written by a test\n');
    await ws.createBranch('mimo/fix-1-abcdef0');
    const sha = await ws.commitEdits(
      [
        {
          path: 'calc.py',
          before: 'def add(a, b):\n    return a - b\n',
          after: 'def add(a, b):\n    return a + b\n',
        },
        { path: 'pkg/new.py', before: null, after: 'n = 1\n' },
      ],
      'Fix add',
      bot,
    );
    expect(show(ws, `${sha}:calc.py`)).toBe('def add(a, b):\n    return a + b\n');
    expect(show(ws, `${sha}:pkg/new.py`)).toBe('n = 1\n');
    expect(show(ws, `${sha}:util.py`)).toBe('u = 1\n');
    expect(git(['--git-dir', ws.gitDir, 'rev-parse', 'refs/heads/mimo/fix-1-abcdef0']).trim()).toBe(sha);
    expect(git(['--git-dir', ws.gitDir, 'log', '-1', '--format=%an|%s', sha]).trim()).toBe(
      `${bot.name}|Fix add`,
    );
  });

  it('refuses an edit made on content HEAD does not hold (unrecorded content rode along), committing nothing', async () => {
    const ws = await cloneFresh({ 'calc.py': 'x = 1\n' });
    const head = await ws.headSha();
    await expect(
      ws.commitEdits(
        [{ path: 'calc.py', before: 'x = 1\nimport evil\n', after: 'x = 2\nimport evil\n' }],
        'm',
        bot,
      ),
    ).rejects.toThrow(EditConflictError);
    expect(await ws.headSha()).toBe(head);
  });

  it('commits a deletion and keeps an executable mode', async () => {
    const ws = await cloneFresh({ 'run.sh': '#!/bin/sh\necho a\n', 'gone.py': 'g\n' });
    git(['--git-dir', ws.gitDir, '--work-tree', ws.dir, 'update-index', '--chmod=+x', 'run.sh']);
    git(['--git-dir', ws.gitDir, '--work-tree', ws.dir, 'commit', '-qm', 'x'], {});
    const sha = await ws.commitEdits(
      [
        { path: 'run.sh', before: '#!/bin/sh\necho a\n', after: '#!/bin/sh\necho b\n' },
        { path: 'gone.py', before: 'g\n', after: null },
      ],
      'm',
      bot,
    );
    expect(git(['--git-dir', ws.gitDir, 'ls-tree', sha]).trim()).toBe(
      `100755 blob ${git(['--git-dir', ws.gitDir, 'rev-parse', `${sha}:run.sh`]).trim()}\trun.sh`,
    );
  });

  it.each(['.git/config', '.GIT/hooks/post-commit', 'sub/.git/config'])('refuses %s', async (path) => {
    const ws = await cloneFresh({ 'a.py': 'a\n' });
    await expect(ws.commitEdits([{ path, before: null, after: '[core]\n' }], 'm', bot)).rejects.toThrow(
      UnsafeEditPathError,
    );
  });

  it('refuses a path through a symlink of the repository and an edit of a symlink itself', async () => {
    const ws = await cloneFresh({ '.github/workflows/ci.yml': 'on: push\n', 'a.py': 'a\n' });
    symlinkSync('.github/workflows', join(ws.dir, 'wf'));
    symlinkSync('a.py', join(ws.dir, 'alias.py'));
    git(['--git-dir', ws.gitDir, '--work-tree', ws.dir, 'add', 'wf', 'alias.py']);
    git(['--git-dir', ws.gitDir, '--work-tree', ws.dir, 'commit', '-qm', 'links']);
    await expect(
      ws.commitEdits([{ path: 'wf/evil.yml', before: null, after: 'x' }], 'm', bot),
    ).rejects.toThrow(/wf is a symlink in the repository/);
    await expect(
      ws.commitEdits([{ path: 'alias.py', before: 'a.py', after: 'x' }], 'm', bot),
    ).rejects.toThrow(/alias\.py is a symlink/);
  });

  it('says when the edits change nothing', async () => {
    const ws = await cloneFresh({ 'a.py': 'a\n' });
    await expect(ws.commitEdits([{ path: 'a.py', before: 'a\n', after: 'a\n' }], 'm', bot)).rejects.toThrow(
      NothingToCommitError,
    );
  });
});
