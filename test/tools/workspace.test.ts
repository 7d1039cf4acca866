import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Workspace, WorkspacePathError } from '../../src/tools/index.js';
import { tempRepo } from '../helpers/tmp.js';

describe('Workspace', () => {
  let repo: ReturnType<typeof tempRepo>;
  let ws: Workspace;
  const outside = mkdtempSync(join(tmpdir(), 'mimo-outside-'));
  writeFileSync(join(outside, 'secret.txt'), 'token');

  beforeEach(async () => {
    repo = tempRepo({ 'src/a.py': 'x = 1\n', 'README.md': 'hi\n', 'node_modules/dep/index.js': '' });
    symlinkSync(outside, join(repo.root, 'escape'));
    symlinkSync(join(outside, 'secret.txt'), join(repo.root, 'secret-link'));
    symlinkSync('src', join(repo.root, 'inner'));
    ws = await Workspace.open(repo.root);
  });
  afterEach(() => repo.cleanup());

  it('refuses .. and absolute paths outside the root', async () => {
    await expect(ws.read('../etc/passwd')).rejects.toThrow(/outside the workspace \('\.\.' is not allowed\)/);
    await expect(ws.read('src/../../x')).rejects.toThrow(WorkspacePathError);
    await expect(ws.read('/etc/passwd')).rejects.toThrow(/absolute path outside the workspace/);
    expect(ws.normalize('./src/../src/a.py')).toBe('src/a.py');
  });

  it('never follows a symlink out of the workspace, for reads or writes', async () => {
    await expect(ws.read('escape/secret.txt')).rejects.toThrow(/symlink that leads outside the workspace/);
    await expect(ws.read('secret-link')).rejects.toThrow(/symlink that leads outside/);
    await expect(ws.write('escape/new.txt', 'x')).rejects.toThrow(/symlink that leads outside/);
    await expect(ws.write('secret-link', 'overwritten')).rejects.toThrow(WorkspacePathError);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('token');
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
  });

  it('follows symlinks that stay inside', async () => {
    expect(await ws.read('inner/a.py')).toBe('x = 1\n');
  });

  it('records only its own writes, with the content from before the run', async () => {
    await ws.write('src/a.py', 'x = 2\n');
    await ws.write('src/a.py', 'x = 3\n');
    await ws.write('src/new.py', 'y = 1\n');
    writeFileSync(join(repo.root, 'README.md'), 'written by a test run\n');
    expect(ws.edits()).toEqual([
      { path: 'src/a.py', before: 'x = 1\n', after: 'x = 3\n' },
      { path: 'src/new.py', before: null, after: 'y = 1\n' },
    ]);
    await ws.write('src/a.py', 'x = 1\n');
    expect(ws.changedFiles()).toEqual(['src/new.py']);
  });

  it('restores a checkpoint, forward and back', async () => {
    const start = ws.checkpoint();
    await ws.write('src/a.py', 'x = 2\n');
    await ws.write('src/b.py', 'b\n');
    const after = ws.checkpoint();
    await ws.restore(start);
    expect(readFileSync(join(repo.root, 'src/a.py'), 'utf8')).toBe('x = 1\n');
    expect(existsSync(join(repo.root, 'src/b.py'))).toBe(false);
    expect(ws.edits()).toEqual([]);
    await ws.restore(after);
    expect(readFileSync(join(repo.root, 'src/b.py'), 'utf8')).toBe('b\n');
    expect(ws.changedFiles()).toEqual(['src/a.py', 'src/b.py']);
  });

  it('lists files without dependency folders or symlinks, and records what a command changed', async () => {
    expect(await ws.list()).toEqual(['README.md', 'src/a.py']);
    const before = await ws.snapshot();
    writeFileSync(join(repo.root, 'src/a.py'), 'x  =  1\n');
    const changed = ws.recordSnapshotDiff(before, await ws.snapshot());
    expect(changed).toEqual(['src/a.py']);
    expect(ws.edits()).toEqual([{ path: 'src/a.py', before: 'x = 1\n', after: 'x  =  1\n' }]);
  });
});
