import { checkEdit, isTestFile, matchesAny, type GuardPolicy } from '../../src/repair/index.js';

const open: GuardPolicy = { allow: [], deny: [], mode: 'repair' };
const TEST =
  'import pytest\n\n\ndef test_a():\n    assert f(1) == 2\n\n\ndef test_b():\n    assert f(2) == 4\n';
const edit = (path: string, before: string | null, after: string | null, original = before) => ({
  path,
  original,
  before,
  after,
});

describe('anti-cheat guard', () => {
  it('refuses CI workflows always, and paths outside allow or inside deny', () => {
    expect(checkEdit(edit('.github/workflows/ci.yml', 'a', 'b'), open)).toMatch(
      /may not be edited: files under \.github\/ \(CI workflows, actions, mimo\.yml\) are never edited/,
    );
    const policy = { allow: ['src/**'], deny: ['src/vendor/'], mode: 'repair' as const };
    expect(checkEdit(edit('src/app.py', 'a', 'b'), policy)).toBeNull();
    expect(checkEdit(edit('setup.py', 'a', 'b'), policy)).toMatch(
      /outside the paths you may edit \(src\/\*\*\)/,
    );
    expect(checkEdit(edit('src/vendor/lib.py', 'a', 'b'), policy)).toMatch(/denied path src\/vendor\//);
  });

  it('refuses deleting a test, a test file, or adding a skip marker', () => {
    expect(
      checkEdit(edit('tests/test_x.py', TEST, TEST.replace(/\n\n\ndef test_b[\s\S]*/, '\n')), open),
    ).toMatch(/removing tests is not allowed \(2 → 1\)/);
    expect(checkEdit(edit('tests/test_x.py', TEST, null), open)).toMatch(/deleting a test file/);
    expect(
      checkEdit(
        edit('tests/test_x.py', TEST, TEST.replace('def test_a', '@pytest.mark.skip\ndef test_a')),
        open,
      ),
    ).toMatch(/skip, xfail/);
    expect(
      checkEdit(edit('src/a.test.ts', "it('a', () => {});\n", "it.skip('a', () => {});\n"), open),
    ).toMatch(/skip/);
  });

  it('refuses weakening an assertion, but allows adding lines to a test file', () => {
    expect(checkEdit(edit('tests/test_x.py', TEST, TEST.replace('== 4', '== 5')), open)).toMatch(
      /changing or removing assertions is not allowed \(assert f\(2\) == 4\)/,
    );
    expect(checkEdit(edit('tests/test_x.py', TEST, `import os\n${TEST}`), open)).toBeNull();
    expect(checkEdit(edit('src/calc.py', 'assert x\n', ''), open)).toBeNull();
  });

  it('in issue mode lets the agent rework a test file it created, never skip it', () => {
    const issue = { ...open, mode: 'issue' as const };
    expect(checkEdit(edit('tests/test_new.py', TEST, TEST.replace('== 4', '== 5'), null), issue)).toBeNull();
    expect(checkEdit(edit('tests/test_new.py', TEST, `@pytest.mark.xfail\n${TEST}`, null), issue)).toMatch(
      /skip, xfail/,
    );
  });

  it('knows test files and globs', () => {
    expect(
      ['tests/test_a.py', 'pkg/a_test.go', 'src/x.spec.ts', '__tests__/a.js', 'conftest.py'].every(
        isTestFile,
      ),
    ).toBe(true);
    expect(isTestFile('src/testing_utils.py')).toBe(false);
    expect(matchesAny('a/b/c.py', ['**'])).toBe('**');
    expect(matchesAny('docs/a.md', ['src/**', '*.md'])).toBe('*.md');
    expect(matchesAny('src/a/b.py', ['src/*.py'])).toBeUndefined();
  });
});
