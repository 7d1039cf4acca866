import { branchAllowed } from '../../src/app/guards.js';
import { checkEdit, type GuardPolicy } from '../../src/repair/index.js';
import { firstMatch, globMatcher } from '../../src/config/globs.js';

const path = (glob: string, value: string): boolean => globMatcher(glob, 'path')(value);

describe('config globs (picomatch)', () => {
  it('path globs: * inside a segment, ** across, a bare name at any depth, a folder and everything under it', () => {
    expect(path('**', 'a/b/c.py')).toBe(true);
    expect(path('src/**', 'src/a/b.py')).toBe(true);
    expect(path('src/*.py', 'src/a.py')).toBe(true);
    expect(path('src/*.py', 'src/a/b.py')).toBe(false);
    expect(path('src/**/*.py', 'src/a.py')).toBe(true);
    expect(path('*.md', 'docs/deep/a.md')).toBe(true);
    expect(path('*.md', 'a.md')).toBe(true);
    expect(path('vendor', 'lib/vendor/x.js')).toBe(true);
    expect(path('vendor', 'vendor')).toBe(true);
    expect(path('vendor', 'vendored/x.js')).toBe(false);
    expect(path('src/vendor/', 'src/vendor/a/b.js')).toBe(true);
    expect(path('src/vendor/', 'lib/src/vendor/a.js')).toBe(false);
    expect(path('./src/**', 'src/a.py')).toBe(true);
    expect(path('src/?.py', 'src/a.py')).toBe(true);
    expect(path('src/?.py', 'src/ab.py')).toBe(false);
  });

  it('path globs: dotfiles and dot folders match * and **', () => {
    expect(path('**', '.eslintrc.json')).toBe(true);
    expect(path('**', 'config/.env/local')).toBe(true);
    expect(path('*.yml', '.github/dependabot.yml')).toBe(true);
    expect(path('.github/workflows/**', '.github/workflows/ci.yml')).toBe(true);
    expect(path('.github/workflows/**', '.github/workflows/sub/x.yaml')).toBe(true);
    expect(path('.github/workflows/**', '.github/dependabot.yml')).toBe(false);
  });

  it('path globs: braces, classes and negation', () => {
    expect(path('src/**/*.{ts,tsx}', 'src/ui/a.tsx')).toBe(true);
    expect(path('src/**/*.{ts,tsx}', 'src/ui/a.js')).toBe(false);
    expect(path('{src,lib}/**', 'lib/a.js')).toBe(true);
    expect(path('{src,lib}/**', 'test/a.js')).toBe(false);
    expect(path('file[0-9].txt', 'a/file7.txt')).toBe(true);
    expect(path('file[0-9].txt', 'a/filex.txt')).toBe(false);
    expect(path('!src/generated/**', 'src/a.ts')).toBe(true);
    expect(path('!src/generated/**', 'src/generated/a.ts')).toBe(false);
    expect(path('!vendor', 'lib/vendor/x.js')).toBe(false);
    expect(path('!(docs)/**', 'src/a.md')).toBe(true);
    expect(path('!(docs)/**', 'docs/a.md')).toBe(false);
  });

  it('the guard refuses by the first matching deny glob and keeps edits inside allow', () => {
    const policy: GuardPolicy = {
      allow: ['src/**', '*.md'],
      deny: ['src/**/*.{snap,lock}', '.env*'],
      mode: 'repair',
    };
    const edit = (p: string) => checkEdit({ path: p, original: 'a', before: 'a', after: 'b' }, policy);
    expect(edit('src/a/b.py')).toBeNull();
    expect(edit('docs/guide.md')).toBeNull();
    expect(edit('src/ui/__snapshots__/a.snap')).toMatch(
      /matches the denied path src\/\*\*\/\*\.\{snap,lock\}/,
    );
    expect(edit('src/.env.local')).toMatch(/denied path \.env\*/);
    expect(edit('lib/a.py')).toMatch(/outside the paths you may edit \(src\/\*\*, \*\.md\)/);
    expect(edit('.github/workflows/ci.yml')).toMatch(/never edited/);
    expect(firstMatch('src/x.lock', policy.deny, 'path')).toBe('src/**/*.{snap,lock}');
  });

  it('branch globs match the whole name: * one segment, ** any, braces, negation', () => {
    expect(branchAllowed('main', ['**'], [])).toBe(true);
    expect(branchAllowed('feature/a/b', ['**'], [])).toBe(true);
    expect(branchAllowed('feature/a', ['feature/*'], [])).toBe(true);
    expect(branchAllowed('feature/a/b', ['feature/*'], [])).toBe(false);
    expect(branchAllowed('feature/a/b', ['feature/**'], [])).toBe(true);
    expect(branchAllowed('xfeature/a', ['feature/*'], [])).toBe(false);
    expect(branchAllowed('dependabot/npm/x', ['**'], ['dependabot/**'])).toBe(false);
    expect(branchAllowed('release-1.2', ['{main,release-*}'], [])).toBe(true);
    expect(branchAllowed('hotfix', ['{main,release-*}'], [])).toBe(false);
    expect(branchAllowed('wip/x', ['!wip/**'], [])).toBe(false);
    expect(branchAllowed('fix/x', ['!wip/**'], [])).toBe(true);
    // A bare name is the whole branch name, not a folder at any depth as in path globs.
    expect(branchAllowed('team/main', ['main'], [])).toBe(false);
  });
});
