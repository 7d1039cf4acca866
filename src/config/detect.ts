import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ECOSYSTEM_DETECTORS, ECOSYSTEM_FILES } from './detect-ecosystems.js';
import { CONFIG_PATH } from './load.js';

export type DetectedTestCommand =
  { ok: true; command: string; runner: string; reason: string } | { ok: false; message: string };

type Detector = (repo: RepoFiles) => Promise<DetectedTestCommand | null>;

/** Lazy, cached reads of the few files detection looks at. */
class RepoFiles {
  private readonly cache = new Map<string, Promise<string | null>>();
  private names: Promise<Set<string>> | null = null;
  constructor(readonly dir: string) {}

  text(path: string): Promise<string | null> {
    let pending = this.cache.get(path);
    if (!pending) {
      pending = readFile(join(this.dir, path), 'utf8').catch(() => null);
      this.cache.set(path, pending);
    }
    return pending;
  }

  async has(name: string): Promise<boolean> {
    this.names ??= readdir(this.dir).then(
      (n) => new Set(n),
      () => new Set<string>(),
    );
    return (await this.names).has(name);
  }

  async list(dir: string): Promise<string[]> {
    return readdir(join(this.dir, dir)).catch(() => []);
  }
}

const NPM_DEFAULT_TEST = /no test specified/;

function runnerOfScript(script: string): string {
  const known: [RegExp, string][] = [
    [/\bvitest\b/, 'vitest'],
    [/\bjest\b/, 'jest'],
    [/\bmocha\b/, 'mocha'],
    [/node\s+(?:[^|;&]*\s)?--test\b/, 'node-test'],
    [/\btsc\b/, 'tsc'],
    [/\beslint\b/, 'eslint'],
    [/\bpytest\b/, 'pytest'],
  ];
  return known.find(([pattern]) => pattern.test(script))?.[1] ?? 'unknown';
}

const packageJson: Detector = async (repo) => {
  const text = await repo.text('package.json');
  if (text === null) return null;
  let pkg: { scripts?: Record<string, unknown> };
  try {
    pkg = JSON.parse(text) as typeof pkg;
  } catch {
    return {
      ok: false,
      message: `package.json is not valid JSON; fix it or set \`test:\` in ${CONFIG_PATH}`,
    };
  }
  const script = pkg.scripts?.test;
  if (typeof script !== 'string' || script.trim() === '' || NPM_DEFAULT_TEST.test(script)) return null;
  const manager = (await repo.has('pnpm-lock.yaml'))
    ? 'pnpm'
    : (await repo.has('yarn.lock'))
      ? 'yarn'
      : 'npm';
  const lockfile = { pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock', npm: 'package-lock.json or no lockfile' }[
    manager
  ];
  return {
    ok: true,
    command: `${manager} test`,
    runner: runnerOfScript(script),
    reason: `package.json scripts.test (${JSON.stringify(script)}), ${manager} chosen by ${lockfile}`,
  };
};

const pytest: Detector = async (repo) => {
  const markers: [string, RegExp][] = [
    ['pytest.ini', /^\s*\[pytest\]/m],
    ['pyproject.toml', /^\s*\[tool\.pytest\.ini_options\]/m],
    ['setup.cfg', /^\s*\[tool:pytest\]/m],
    ['tox.ini', /^\s*\[pytest\]/m],
  ];
  for (const [file, section] of markers) {
    const text = await repo.text(file);
    if (text !== null && section.test(text)) {
      return {
        ok: true,
        command: 'python -m pytest',
        runner: 'pytest',
        reason: `pytest configured in ${file}`,
      };
    }
  }
  const isTestFile = (name: string) => /^test_.*\.py$|_test\.py$/.test(name);
  for (const dir of ['tests', 'test', '.']) {
    if ((await repo.list(dir)).some(isTestFile)) {
      const where = dir === '.' ? 'the repository root' : `${dir}/`;
      return {
        ok: true,
        command: 'python -m pytest',
        runner: 'pytest',
        reason: `test_*.py files in ${where}`,
      };
    }
  }
  return null;
};

const goModule: Detector = async (repo) =>
  (await repo.has('go.mod'))
    ? { ok: true, command: 'go test ./...', runner: 'go', reason: 'go.mod at the repository root' }
    : null;

const cargo: Detector = async (repo) =>
  (await repo.has('Cargo.toml'))
    ? { ok: true, command: 'cargo test', runner: 'cargo', reason: 'Cargo.toml at the repository root' }
    : null;

const makefile: Detector = async (repo) => {
  for (const name of ['Makefile', 'makefile', 'GNUmakefile']) {
    const text = await repo.text(name);
    if (text !== null && /^test\s*:/m.test(text)) {
      return { ok: true, command: 'make test', runner: 'unknown', reason: `a \`test\` target in ${name}` };
    }
  }
  return null;
};

/** In priority order: the most specific declaration of "how to run the tests" wins. */
const DETECTORS: Detector[] = [packageJson, pytest, goModule, cargo, ...ECOSYSTEM_DETECTORS, makefile];

/** The test command of a repository whose config names none. */
export async function detectTestCommand(repoDir: string): Promise<DetectedTestCommand> {
  const repo = new RepoFiles(repoDir);
  for (const detector of DETECTORS) {
    const found = await detector(repo);
    if (found) return found;
  }
  return {
    ok: false,
    message: `could not detect a test command (looked for package.json scripts.test, pytest, go.mod, Cargo.toml, ${ECOSYSTEM_FILES}, a Makefile test target); set \`test:\` in ${CONFIG_PATH}`,
  };
}
