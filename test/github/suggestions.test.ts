// Suggestions planned from a fix's edits against the PR's own diff, as GitHub's `pulls.listFiles` patches give it
// (here: the patch of a real `git diff` of a real repository).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commentableLines, planSuggestions } from '../../src/github/index.js';
import { tempRepo } from '../helpers/tmp.js';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });

/** The patch GitHub shows for a PR that turns `base` into `head` (git diff, from the first hunk on). */
function prPatch(base: string, head: string): string {
  const { root, cleanup } = tempRepo({ 'app.py': base });
  try {
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'base');
    writeFileSync(join(root, 'app.py'), head);
    const diff = git(root, 'diff', '--no-color');
    return diff.slice(diff.indexOf('@@')).replace(/\n$/, '');
  } finally {
    cleanup();
  }
}

const BASE = [
  'import math',
  '',
  '',
  'def area(r):',
  '    return math.pi * r * r',
  '',
  '',
  'def total(items):',
  '    return sum(items)',
  '',
  '',
  'def unrelated():',
  '    return 1',
  '',
].join('\n');

describe('planSuggestions', () => {
  // The PR dropped the import and changed total(); the fix brings the import back and repairs total().
  const head = BASE.replace('import math\n\n\n', '').replace('sum(items)', 'sum(item for item in itms)');
  const files = [{ filename: 'app.py', patch: prPatch(BASE, head) }];
  const commentable = commentableLines(files);

  it('makes one suggestion per changed hunk, on the head lines it replaces, with a kept neighbour for insertions', () => {
    const fixed = `import math\n\n${head.replace('itms', 'items')}`;
    const plan = planSuggestions([{ path: 'app.py', before: head, after: fixed }], {
      maxLines: 10,
      commentable,
    });
    expect(plan).toEqual({
      ok: true,
      changedLines: 4,
      comments: [
        { path: 'app.py', line: 1, side: 'RIGHT', body: '```suggestion\nimport math\n\ndef area(r):\n```' },
        {
          path: 'app.py',
          line: 6,
          side: 'RIGHT',
          body: '```suggestion\n    return sum(item for item in items)\n```',
        },
      ],
    });
  });

  it('refuses lines outside the PR diff (GitHub rejects such comments) and says which', () => {
    const fixed = head.replace('return 1', 'return 2');
    expect(
      planSuggestions([{ path: 'app.py', before: head, after: fixed }], { maxLines: 10, commentable }),
    ).toEqual({
      ok: false,
      reason: "app.py line 10 is outside the pull request's diff, where GitHub takes no suggestion",
    });
  });

  it('refuses a fix above the line limit, and new or deleted files', () => {
    const fixed = `import math\n\n${head.replace('itms', 'items')}`;
    expect(
      planSuggestions([{ path: 'app.py', before: head, after: fixed }], { maxLines: 3, commentable }),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/changes 4 lines, more than the 3 of `delivery.maxSuggestionLines`/),
    });
    expect(
      planSuggestions([{ path: 'new.py', before: null, after: 'x = 1\n' }], { maxLines: 10, commentable }),
    ).toEqual({
      ok: false,
      reason: 'the fix creates new.py',
    });
  });

  it('replaces a range with start_line, and fences a suggestion that contains backticks with a longer fence', () => {
    const before = 'a\nb\nc\nd\n';
    const after = 'a\n```x```\nd\n';
    const lines = commentableLines([{ filename: 'doc.md', patch: '@@ -1,4 +1,4 @@\n a\n-q\n+b\n c\n d' }]);
    const plan = planSuggestions([{ path: 'doc.md', before, after }], { maxLines: 10, commentable: lines });
    expect(plan).toEqual({
      ok: true,
      changedLines: 3,
      comments: [
        {
          path: 'doc.md',
          start_line: 2,
          start_side: 'RIGHT',
          line: 3,
          side: 'RIGHT',
          body: '````suggestion\n```x```\n````',
        },
      ],
    });
  });
});
