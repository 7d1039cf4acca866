// The unified diffs we publish are applied by real tools: GNU patch and git apply, on real files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedLineNumbers, diffStats, removedLines, unifiedDiff } from '../../src/tools/index.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Writes `before`, applies the diff with `tool`, returns the file's text afterwards. */
function applied(tool: 'patch' | 'git', before: string, after: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-diff-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'mod.py'), before);
  const diff = unifiedDiff('mod.py', before, after);
  writeFileSync(join(dir, 'fix.diff'), diff);
  if (tool === 'patch') execFileSync('patch', ['-p1', '-s', '-i', 'fix.diff'], { cwd: dir });
  else execFileSync('git', ['apply', '--unsafe-paths', 'fix.diff'], { cwd: dir });
  return readFileSync(join(dir, 'mod.py'), 'utf8');
}

const BEFORE = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('unified diffs', () => {
  const cases: [string, string][] = [
    ['a changed line in the middle', BEFORE.replace('line 20\n', 'line twenty\n')],
    ['lines added at both ends', `import os\n${BEFORE}print(1)\n`],
    ['a last line without a newline', BEFORE.replace(/\n$/, '')],
    ['two distant hunks', BEFORE.replace('line 3\n', 'three\n').replace('line 37\n', '')],
  ];
  for (const [name, after] of cases) {
    it(`apply with patch -p1 and git apply: ${name}`, () => {
      expect(applied('patch', BEFORE, after)).toBe(after);
      expect(applied('git', BEFORE, after)).toBe(after);
    });
  }

  it('a change too large for the edit bound is one whole-file hunk, still applicable', () => {
    const big = Array.from({ length: 30_000 }, (_, i) => `a${i}`).join('\n') + '\n';
    const other = Array.from({ length: 30_000 }, (_, i) => `b${i}`).join('\n');
    const diff = unifiedDiff('mod.py', big, other);
    expect(diff.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,30000 +1,30000 @@']);
    expect(applied('patch', big, other)).toBe(other);
  });

  it('line facts: changed line numbers, removed lines and counts', () => {
    const after = BEFORE.replace('line 2\n', 'line two\n').replace('line 10\n', '');
    expect(changedLineNumbers(BEFORE, after)).toEqual([2]);
    expect(removedLines(BEFORE, after)).toEqual(['line 2', 'line 10']);
    expect(diffStats([{ path: 'mod.py', before: BEFORE, after }])).toEqual({
      files: 1,
      added: 1,
      removed: 2,
    });
    // A trailing newline alone is not a changed line for the score.
    expect(changedLineNumbers('x\ny', 'x\ny\n')).toEqual([]);
  });
});
