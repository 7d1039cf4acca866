// Case diffs: made with jsdiff from the recorded edits, applied by the real `patch -p1`, and by applyDiff host-side.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyDiff, diffOf, PatchError } from '../../src/eval/index.js';
import type { FileEdit } from '../../src/tools/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-eval-patch-'));
  dirs.push(dir);
  for (const [p, c] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), c);
  }
  return dir;
}

const before = {
  'src/a.py': 'def a():\n    return 1\n',
  'src/no_newline.js': 'export const x = 1;', // no newline at the end
  'old.txt': 'bye\n',
};
const edits: FileEdit[] = [
  { path: 'src/a.py', before: before['src/a.py'], after: 'import json\n\n\ndef a():\n    return 2\n' },
  { path: 'src/no_newline.js', before: before['src/no_newline.js'], after: 'export const x = 2;\n' },
  { path: 'new/b.txt', before: null, after: 'hello\n' },
  { path: 'old.txt', before: 'bye\n', after: null },
];

function expectAfter(dir: string) {
  expect(readFileSync(join(dir, 'src/a.py'), 'utf8')).toBe(edits[0]!.after);
  expect(readFileSync(join(dir, 'src/no_newline.js'), 'utf8')).toBe('export const x = 2;\n');
  expect(readFileSync(join(dir, 'new/b.txt'), 'utf8')).toBe('hello\n');
  expect(existsSync(join(dir, 'old.txt'))).toBe(false);
}

describe('case diffs', () => {
  it('are applied by the real patch -p1: edits, a file without a final newline, a created and a deleted file', () => {
    const diff = diffOf(edits);
    expect(diff).toContain('\\ No newline at end of file');
    expect(diff).toContain('--- /dev/null\n+++ b/new/b.txt');
    expect(diff).not.toContain('====');
    const dir = folder(before);
    const patch = spawnSync('patch', ['-p1', '--batch'], { cwd: dir, input: diff, encoding: 'utf8' });
    expect(patch.stderr).toBe('');
    expect(patch.status).toBe(0);
    expectAfter(dir);
  });

  it('are applied host-side by applyDiff with the same result', async () => {
    const dir = folder(before);
    expect((await applyDiff(dir, diffOf(edits))).sort()).toEqual([
      'new/b.txt',
      'old.txt',
      'src/a.py',
      'src/no_newline.js',
    ]);
    expectAfter(dir);
  });

  it('a diff that no longer applies names the file and writes nothing', async () => {
    const dir = folder({ ...before, 'src/a.py': 'def a():\n    return 10\n' });
    const error = await applyDiff(dir, diffOf(edits)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PatchError);
    expect((error as PatchError).file).toBe('src/a.py');
    expect((error as Error).message).toMatch(/no longer applies/);
    expect(readFileSync(join(dir, 'src/no_newline.js'), 'utf8')).toBe(before['src/no_newline.js']);
    expect(existsSync(join(dir, 'new/b.txt'))).toBe(false);
  });

  it('refuses paths that leave the folder: .., absolute, a symlink out', async () => {
    const dir = folder({ 'a.txt': 'a\n' });
    const outside = folder({ 'secret.txt': 'x\n' });
    symlinkSync(outside, join(dir, 'link'));
    const evil = (path: string) => `--- a/${path}\n+++ b/${path}\n@@ -1,1 +1,1 @@\n-x\n+pwned\n`;
    for (const path of ['../secret.txt', 'link/secret.txt']) {
      await expect(applyDiff(dir, evil(path))).rejects.toBeInstanceOf(PatchError);
    }
    await expect(
      applyDiff(dir, '--- /etc/passwd\n+++ /etc/passwd\n@@ -1,1 +1,1 @@\n-x\n+y\n'),
    ).rejects.toThrow(/a\/ or b\/ prefix/);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('x\n');
  });
});
