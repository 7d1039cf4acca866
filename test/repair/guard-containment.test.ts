// The guard judges the resolved path: `.git` in any case and depth, `.github/**`, CI and test-harness files, and
// the same reached through a repository symlink (resolved against a real tree on disk).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoPathResolver } from '../../src/git/index.js';
import { checkEdit, harnessChange, type GuardPolicy } from '../../src/repair/index.js';
import { tempRepo } from '../helpers/tmp.js';

const open: GuardPolicy = { allow: [], deny: [], mode: 'repair' };
const create = (path: string, after = 'x\n') => ({ path, original: null, before: null, after });
const change = (path: string, before: string, after: string) => ({ path, original: before, before, after });

describe('guard: protected paths, whatever the spelling', () => {
  it.each(['.git/config', '.git/hooks/post-checkout', '.GIT/x', 'sub/.git/config', 'a/.Git/HEAD'])(
    'refuses %s',
    (path) => {
      expect(checkEdit(create(path), open)).toMatch(/inside a \.git directory/);
    },
  );

  it.each([
    '.github/workflows/evil.yml',
    '.github/mimo.yml',
    '.github/actions/setup/action.yml',
    '.GitHub/x.yml',
  ])('refuses %s', (path) => {
    expect(checkEdit(create(path), open)).toMatch(/\.github\/ .* never edited/);
  });

  it.each(['.gitlab-ci.yml', '.circleci/config.yml', 'Jenkinsfile', '.travis.yml', '.gitmodules'])(
    'refuses the CI file %s',
    (path) => {
      expect(checkEdit(create(path), open)).toMatch(/CI configuration is never edited/);
    },
  );

  it.each([
    'conftest.py',
    'tests/conftest.py',
    'pytest.ini',
    'tox.ini',
    'jest.config.js',
    'jest.config.ts',
    'jest.setup.js',
    'src/setupTests.ts',
    'vitest.config.mts',
    '.mocharc.yml',
    '.mocharc.json',
    'test/mocha.opts',
    'sitecustomize.py',
    'src/evil.pth',
  ])('refuses creating or changing the harness file %s, in issue mode too', (path) => {
    expect(checkEdit(create(path), open)).toMatch(/configures how the tests run/);
    expect(checkEdit(create(path), { ...open, mode: 'issue' })).toMatch(/configures how the tests run/);
  });

  it('still allows ordinary source edits', () => {
    expect(checkEdit(change('src/app/github_client.py', 'a\n', 'b\n'), open)).toBeNull();
    expect(checkEdit(create('src/gitutils/x.py'), open)).toBeNull();
  });
});

describe('guard: test configuration inside mixed files', () => {
  const pkg = (scripts: Record<string, string>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ name: 'x', version: '1.0.0', scripts, dependencies: { a: '1' }, ...extra }, null, 2);

  it('refuses a changed test script or jest key in package.json, allows other changes', () => {
    const before = pkg({ test: 'jest', build: 'tsc' });
    expect(
      harnessChange('package.json', before, pkg({ test: 'jest --passWithNoTests', build: 'tsc' })),
    ).toMatch(/test scripts/);
    expect(
      harnessChange('package.json', before, pkg({ test: 'jest', build: 'tsc', pretest: 'exit 0' })),
    ).toMatch(/test scripts/);
    expect(
      harnessChange(
        'package.json',
        before,
        pkg({ test: 'jest', build: 'tsc' }, { jest: { setupFiles: ['./x.js'] } }),
      ),
    ).toMatch(/test scripts/);
    expect(harnessChange('package.json', before, pkg({ test: 'jest', build: 'tsc --strict' }))).toBeNull();
    expect(
      checkEdit(change('package.json', before, pkg({ test: 'mocha --exit || true', build: 'tsc' })), open),
    ).toMatch(/test scripts/);
  });

  it('refuses a changed pytest section of pyproject.toml or setup.cfg, allows dependency changes', () => {
    const toml = '[project]\nname = "x"\ndependencies = ["a"]\n\n[tool.pytest.ini_options]\naddopts = "-q"\n';
    expect(
      harnessChange('pyproject.toml', toml, toml.replace('"-q"', '"-q -p no:warnings --deselect tests"')),
    ).toMatch(/pytest configuration/);
    expect(
      harnessChange(
        'pyproject.toml',
        toml,
        `${toml}\n[project.entry-points.pytest11]\nevil = "pkg.plugin"\n`,
      ),
    ).toMatch(/pytest configuration/);
    expect(harnessChange('pyproject.toml', toml, toml.replace('["a"]', '["a", "b"]'))).toBeNull();
    const cfg = '[metadata]\nname = x\n';
    expect(harnessChange('setup.cfg', cfg, `${cfg}[tool:pytest]\naddopts = -p pkg.plugin\n`)).toMatch(
      /pytest/,
    );
  });

  it('refuses registering a pytest plugin or hook from a test or source module', () => {
    const t = 'def test_a():\n    assert f() == 1\n';
    expect(harnessChange('tests/test_a.py', t, `pytest_plugins = ["pkg.cheat"]\n${t}`)).toMatch(
      /pytest plugins or hooks/,
    );
    expect(
      harnessChange('pkg/cheat.py', null, 'def pytest_runtest_makereport(item, call):\n    pass\n'),
    ).toMatch(/pytest plugins or hooks/);
    expect(harnessChange('pkg/calc.py', 'x = 1\n', 'x = 2\n')).toBeNull();
  });

  it('refuses skipping tests in a Maven or Gradle build', () => {
    const pom = '<project>\n  <properties>\n  </properties>\n</project>\n';
    expect(
      harnessChange(
        'pom.xml',
        pom,
        pom.replace('<properties>\n', '<properties>\n    <skipTests>true</skipTests>\n'),
      ),
    ).toMatch(/skipTests/);
  });
});

describe('guard: aliases through repository symlinks (real tree)', () => {
  function tree() {
    const repo = tempRepo({
      '.github/workflows/ci.yml': 'on: push\n',
      'tests/test_calc.py': 'def test_add():\n    assert add(1, 2) == 3\n',
      'src/calc.py': 'def add(a, b):\n    return a - b\n',
    });
    symlinkSync('.github/workflows', join(repo.root, 'wf'));
    symlinkSync('.github', join(repo.root, 'gh'));
    symlinkSync('tests', join(repo.root, 'checks'));
    symlinkSync('../tests/test_calc.py', join(repo.root, 'src/alias.py'));
    symlinkSync('src', join(repo.root, 'lib'));
    symlinkSync('/etc', join(repo.root, 'etc'));
    mkdirSync(join(repo.root, 'deep'));
    symlinkSync('../..', join(repo.root, 'deep/up'));
    writeFileSync(join(repo.root, 'README.md'), 'r\n');
    return repo;
  }

  it('refuses an edit whose resolved path is protected, naming the alias', () => {
    const repo = tree();
    try {
      const policy = { ...open, resolve: repoPathResolver([repo.root]) };
      expect(checkEdit(create('wf/evil.yml'), policy)).toMatch(
        /wf\/evil\.yml goes through the repository symlink wf → \.github\/workflows and would edit \.github\/workflows\/evil\.yml; symlinks into protected paths are refused/,
      );
      expect(checkEdit(create('gh/mimo.yml'), policy)).toMatch(/would edit \.github\/mimo\.yml/);
      expect(checkEdit(create('checks/conftest.py'), policy)).toMatch(/configures how the tests run/);
      const t = 'def test_add():\n    assert add(1, 2) == 3\n';
      expect(checkEdit(change('checks/test_calc.py', t, 'def test_add():\n    pass\n'), policy)).toMatch(
        /would edit tests\/test_calc\.py.*test file/,
      );
      expect(checkEdit(change('src/alias.py', t, 'x'), policy)).toMatch(
        /src\/alias\.py → \.\.\/tests\/test_calc\.py and would edit tests\/test_calc\.py/,
      );
    } finally {
      repo.cleanup();
    }
  });

  it('refuses links that leave the repository, and edits through harmless links with the real path to use', () => {
    const repo = tree();
    try {
      const policy = { ...open, resolve: repoPathResolver([repo.root]) };
      expect(checkEdit(create('etc/cron.d/x'), policy)).toMatch(/leads outside the repository/);
      expect(checkEdit(create('deep/up/x.py'), policy)).toMatch(/leads outside the repository/);
      expect(checkEdit(change('lib/calc.py', 'a', 'b'), policy)).toMatch(
        /goes through the symlink lib → src; edits are never made through a symlink, edit src\/calc\.py instead/,
      );
      expect(checkEdit(change('src/calc.py', 'a', 'b'), policy)).toBeNull();
      expect(checkEdit(create('src/new/mod.py'), policy)).toBeNull();
    } finally {
      repo.cleanup();
    }
  });

  it('judges every tree it is given (a link that exists only in the sandbox copy counts too)', () => {
    const user = tempRepo({ 'src/a.py': 'a\n' });
    const copy = tempRepo({ 'src/a.py': 'a\n', '.github/workflows/ci.yml': 'x\n' });
    try {
      symlinkSync('.github/workflows', join(copy.root, 'pkg'));
      const policy = { ...open, resolve: repoPathResolver([user.root, copy.root]) };
      expect(checkEdit(create('pkg/evil.yml'), policy)).toMatch(/would edit \.github\/workflows\/evil\.yml/);
    } finally {
      user.cleanup();
      copy.cleanup();
    }
  });
});
