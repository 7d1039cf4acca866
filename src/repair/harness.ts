// What decides whether the tests pass — VCS metadata, CI definitions, the test runners' configuration and hooks —
// is never edited by the agent, whatever the repository's config says: a conftest.py hook that marks every report
// passed, a jest setupFiles, a `.mocharc` pointing elsewhere or a `--pass-with-no-tests` in the test script would
// turn the loop's verdict green with the bug in place.

const CI_FILES = new Set([
  '.gitlab-ci.yml',
  '.travis.yml',
  'appveyor.yml',
  '.appveyor.yml',
  'azure-pipelines.yml',
  'bitbucket-pipelines.yml',
  '.drone.yml',
  '.woodpecker.yml',
  'jenkinsfile',
  '.gitmodules',
]);
const CI_DIRS = new Set(['.circleci', '.buildkite', '.woodpecker']);

/** Test runner configuration, setup and plugin files (basename, lower case). */
const HARNESS_FILES = [
  /^conftest\.py$/,
  /^pytest\.ini$/,
  /^tox\.ini$/,
  /^noxfile\.py$/,
  /^(sitecustomize|usercustomize)\.py$/,
  /\.pth$/,
  /^(jest|vitest|vite|ava|karma|playwright|cypress)\.config\.[cm]?[jt]s$/,
  /^jest\.config\.json$/,
  /^(jest|vitest)\.(setup|preset|workspace)\.[cm]?[jt]sx?$/,
  /^setuptests\.[cm]?[jt]sx?$/,
  /^\.mocharc(\.(js|cjs|mjs|json|jsonc|ya?ml))?$/,
  /^mocha\.opts$/,
  /^\.(c8|nyc)rc(\.(json|ya?ml|js))?$/,
];

/** Why `path` (repository-relative, `/`-separated) is never edited, or `null`. */
export function protectedReason(path: string): string | null {
  const parts = path.split('/');
  const lower = parts.map((p) => p.toLowerCase());
  if (lower.includes('.git')) {
    return 'it is inside a .git directory: repository metadata is never edited (a planted hook or core.fsmonitor would run on the next git command)';
  }
  if (lower[0] === '.github')
    return 'files under .github/ (CI workflows, actions, mimo.yml) are never edited';
  const base = lower[lower.length - 1] ?? '';
  if (CI_FILES.has(base) || lower.some((p) => CI_DIRS.has(p))) return 'CI configuration is never edited';
  if (HARNESS_FILES.some((re) => re.test(base))) {
    return 'it configures how the tests run (runner config, conftest, setup or plugin file); fix the code under test instead';
  }
  return null;
}

/** The text of every `[section]` whose header mentions pytest (pyproject.toml, setup.cfg), in order. */
function pytestSections(text: string | null): string[] {
  if (text === null) return [];
  const out: string[] = [];
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    const header = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
    if (header) {
      current = /pytest/i.test(header[1]!) ? [line.trim()] : null;
      if (current) out.push('');
    }
    if (current) out[out.length - 1] = `${out[out.length - 1]}\n${line.trimEnd()}`;
  }
  return out.map((s) => s.trim());
}

const PACKAGE_TEST_KEYS = ['jest', 'mocha', 'ava', 'vitest', 'c8', 'nyc', 'tap'];

function packageTestConfig(text: string | null): string | undefined {
  if (text === null) return JSON.stringify({});
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // not JSON: the tests cannot read it either
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const pkg = json as Record<string, unknown>;
  const scripts = (typeof pkg.scripts === 'object' && pkg.scripts !== null ? pkg.scripts : {}) as Record<
    string,
    unknown
  >;
  const picked: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(scripts)) {
    if (/^(pre|post)?test(:|$)/.test(name)) picked[`scripts.${name}`] = value;
  }
  for (const key of PACKAGE_TEST_KEYS) if (key in pkg) picked[key] = pkg[key];
  return JSON.stringify(picked, Object.keys(picked).sort());
}

/** A pytest plugin registered from a module (`pytest_plugins`) or a hook implementation (`def pytest_…`). */
const PYTEST_HOOK = /\bpytest_plugins\b|^\s*(?:async\s+)?def\s+pytest_\w+\s*\(|\bpytest\.hookimpl\b/;

const BUILD_TEST_SWITCHES =
  /skipTests|maven\.test\.skip|testFailureIgnore|ignoreFailures|failIfNoTests|surefire|failsafe|enabled\s*=\s*false/i;

/**
 * Why an edit of a mixed file changes how the tests run, or `null`: the test scripts and runner keys of
 * package.json, the pytest sections of pyproject.toml / setup.cfg, test-skipping switches in Maven or Gradle builds.
 */
export function harnessChange(path: string, before: string | null, after: string | null): string | null {
  const base = (path.split('/').pop() ?? path).toLowerCase();
  if (base === 'package.json') {
    const a = packageTestConfig(before);
    const b = packageTestConfig(after);
    if (a !== undefined && b !== undefined && a !== b) {
      return `${path}: changing the test scripts or the test runner's configuration is not allowed; fix the code under test instead.`;
    }
    return null;
  }
  if (base === 'pyproject.toml' || base === 'setup.cfg') {
    if (JSON.stringify(pytestSections(before)) !== JSON.stringify(pytestSections(after))) {
      return `${path}: changing the pytest configuration or plugins is not allowed; fix the code under test instead.`;
    }
    return null;
  }
  if (base.endsWith('.py')) {
    const had = new Set((before ?? '').split('\n').map((l) => l.trim()));
    const added = (after ?? '').split('\n').find((l) => !had.has(l.trim()) && PYTEST_HOOK.test(l));
    if (added) {
      return `${path}: registering pytest plugins or hooks (${added.trim()}) is not allowed; fix the code under test instead.`;
    }
    return null;
  }
  if (/^(pom\.xml|build\.gradle(\.kts)?)$/.test(base)) {
    const had = new Set((before ?? '').split('\n').map((l) => l.trim()));
    const added = (after ?? '').split('\n').find((l) => !had.has(l.trim()) && BUILD_TEST_SWITCHES.test(l));
    if (added)
      return `${path}: changing how the tests run (${added.trim()}) is not allowed; fix the code under test instead.`;
  }
  return null;
}
