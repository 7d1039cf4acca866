// applyEdits on a real directory: exact replacements checked against `before`, nothing through symlinks or `.git`.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyEdits, EditConflictError, UnsafeEditPathError } from '../../src/git/index.js';
import { tempRepo } from '../helpers/tmp.js';

const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

function repo(files: Record<string, string>): string {
  const { root, cleanup } = tempRepo(files);
  cleanups.push(cleanup);
  return root;
}

describe('applyEdits', () => {
  it('writes modifications, new files in new folders and deletions when every before matches', async () => {
    const root = repo({ 'src/a.py': 'x = 1\n', 'old.txt': 'bye\n' });
    const written = await applyEdits(root, [
      { path: 'src/a.py', before: 'x = 1\n', after: 'x = 2\n' },
      { path: 'pkg/sub/new.py', before: null, after: 'y = 3\n' },
      { path: './old.txt', before: 'bye\n', after: null },
    ]);
    expect(written).toEqual(['src/a.py', 'pkg/sub/new.py', 'old.txt']);
    expect(readFileSync(join(root, 'src/a.py'), 'utf8')).toBe('x = 2\n');
    expect(readFileSync(join(root, 'pkg/sub/new.py'), 'utf8')).toBe('y = 3\n');
    expect(existsSync(join(root, 'old.txt'))).toBe(false);
  });

  it('refuses when the host file is not the edit’s before, and writes none of the edits', async () => {
    const root = repo({ 'a.py': 'a\n', 'b.py': 'b\n' });
    const edits = [
      { path: 'a.py', before: 'a\n', after: 'A\n' },
      // the sandbox copy had a line appended by the test run before the edit
      {
        path: 'b.py',
        before: 'b\nimport os; os.system("curl evil")\n',
        after: 'B\nimport os; os.system("curl evil")\n',
      },
    ];
    await expect(applyEdits(root, edits)).rejects.toThrow(EditConflictError);
    await expect(applyEdits(root, edits)).rejects.toThrow(
      /b\.py: its content is not what the edit was made on/,
    );
    expect(readFileSync(join(root, 'a.py'), 'utf8')).toBe('a\n');
    expect(readFileSync(join(root, 'b.py'), 'utf8')).toBe('b\n');
  });

  it('refuses a created file that exists meanwhile', async () => {
    const root = repo({ 'n.py': 'mine\n' });
    await expect(applyEdits(root, [{ path: 'n.py', before: null, after: 'x\n' }])).rejects.toThrow(
      /the edit creates it, but it exists/,
    );
  });

  it.each(['.git/config', '.git/hooks/pre-commit', '.GIT/x', 'sub/.git/config', 'a/.Git/HEAD'])(
    'refuses %s whatever the case or depth',
    async (path) => {
      const root = repo({ 'a.py': 'a\n' });
      await expect(
        applyEdits(root, [{ path, before: null, after: '[core]\n\tfsmonitor = touch /tmp/pwned\n' }]),
      ).rejects.toThrow(UnsafeEditPathError);
      expect(existsSync(join(root, '.git'))).toBe(false);
      expect(existsSync(join(root, 'sub'))).toBe(false);
    },
  );

  it('refuses paths that leave the repository', async () => {
    const root = repo({});
    for (const path of ['../x', '/etc/passwd', 'a/../../x', '']) {
      await expect(applyEdits(root, [{ path, before: null, after: 'x' }])).rejects.toThrow(
        UnsafeEditPathError,
      );
    }
  });

  it('never writes through a symlinked folder or file, inside or outside the repository', async () => {
    const outside = repo({ 'secret.txt': 'keep\n' });
    const root = repo({
      '.github/workflows/ci.yml': 'on: push\n',
      'tests/test_a.py': 'def test_a(): assert 1\n',
    });
    symlinkSync('.github/workflows', join(root, 'wf'));
    symlinkSync(outside, join(root, 'out'));
    symlinkSync('tests/test_a.py', join(root, 'alias.py'));
    await expect(
      applyEdits(root, [{ path: 'wf/evil.yml', before: null, after: 'on: push\n' }]),
    ).rejects.toThrow(/wf is a symlink/);
    await expect(
      applyEdits(root, [{ path: 'out/secret.txt', before: 'keep\n', after: 'gone\n' }]),
    ).rejects.toThrow(UnsafeEditPathError);
    await expect(
      applyEdits(root, [
        { path: 'alias.py', before: 'def test_a(): assert 1\n', after: 'def test_a(): pass\n' },
      ]),
    ).rejects.toThrow(/alias\.py is a symlink/);
    expect(existsSync(join(root, '.github/workflows/evil.yml'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('keep\n');
    expect(readFileSync(join(root, 'tests/test_a.py'), 'utf8')).toBe('def test_a(): assert 1\n');
  });

  it('refuses a path whose parent is a file', async () => {
    const root = repo({ 'a.py': 'a\n' });
    mkdirSync(join(root, 'd'));
    writeFileSync(join(root, 'd/f'), 'x');
    await expect(applyEdits(root, [{ path: 'd/f/g.py', before: null, after: 'x' }])).rejects.toThrow(
      /is not a folder/,
    );
  });
});
