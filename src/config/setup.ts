/**
 * The dependency install step of a repository whose config names none (`setup:` absent): inferred from the
 * lockfiles and manifests at the repository root, one step per ecosystem found, joined with `&&`.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface InferredSetup {
  /** The shell command line to run in the sandbox's setup phase. */
  command: string;
  /** One line per step: which file made us choose it. */
  reasons: string[];
}

interface Step {
  command: string;
  reason: string;
}

async function read(dir: string, name: string): Promise<string | null> {
  return readFile(join(dir, name), 'utf8').catch(() => null);
}

function hasEntries(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
}

async function nodeStep(dir: string, names: Set<string>): Promise<Step | null> {
  const text = await read(dir, 'package.json');
  if (text === null) return null;
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return null; // detection reports the broken package.json
  }
  if (names.has('pnpm-lock.yaml'))
    return { command: 'pnpm install --frozen-lockfile', reason: 'pnpm-lock.yaml' };
  if (names.has('yarn.lock')) {
    // Yarn 2+ (berry) lockfiles start with a `__metadata:` block; classic yarn v1 ones do not.
    const berry = /^__metadata:/m.test((await read(dir, 'yarn.lock')) ?? '');
    return berry
      ? { command: 'yarn install --immutable', reason: 'yarn.lock (yarn 2+)' }
      : { command: 'yarn install --frozen-lockfile', reason: 'yarn.lock (classic yarn v1)' };
  }
  if (names.has('package-lock.json') || names.has('npm-shrinkwrap.json'))
    return {
      command: 'npm ci',
      reason: names.has('package-lock.json') ? 'package-lock.json' : 'npm-shrinkwrap.json',
    };
  if (names.has('node_modules')) return null;
  const deps = ['dependencies', 'devDependencies', 'optionalDependencies'].some((k) => hasEntries(pkg[k]));
  return deps
    ? { command: 'npm install', reason: 'package.json dependencies without a lockfile or node_modules' }
    : null;
}

/** A `.pth` file in the user site that puts the repository's src/ on sys.path (an editable install, offline). */
const SRC_ON_PATH =
  `python3 -c "import os, site; d = site.getusersitepackages(); os.makedirs(d, exist_ok=True); ` +
  `open(os.path.join(d, 'mimo-src.pth'), 'w').write(os.path.abspath('src') + chr(10))"`;

/** Extras of `[project.optional-dependencies]` that conventionally hold the test dependencies. */
const TEST_EXTRAS = ['test', 'tests', 'testing', 'dev'];

function pyprojectExtras(text: string): string[] {
  const section = /^\[project\.optional-dependencies\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(text);
  if (!section) return [];
  const keys = [...section[1]!.matchAll(/^\s*([A-Za-z0-9_.-]+)\s*=/gm)].map((m) => m[1]!.toLowerCase());
  return TEST_EXTRAS.filter((extra) => keys.includes(extra));
}

async function pythonSteps(dir: string, names: Set<string>): Promise<Step[]> {
  const steps: Step[] = [];
  const pyproject = names.has('pyproject.toml') ? await read(dir, 'pyproject.toml') : null;
  const installable =
    (pyproject !== null && /^\[(project|tool\.poetry|build-system)\]/m.test(pyproject)) ||
    names.has('setup.py') ||
    (names.has('setup.cfg') && /^\[metadata\]/m.test((await read(dir, 'setup.cfg')) ?? ''));
  if (installable) {
    const extras = pyproject ? pyprojectExtras(pyproject) : [];
    const target = extras.length > 0 ? `'.[${extras.join(',')}]'` : '.';
    const from = pyproject !== null ? 'pyproject.toml' : names.has('setup.py') ? 'setup.py' : 'setup.cfg';
    const setupPy = names.has('setup.py') ? ((await read(dir, 'setup.py')) ?? '') : '';
    const needsPackages =
      extras.length > 0 ||
      (pyproject !== null && /^\s*dependencies\s*=\s*\[\s*[^\]\s]/m.test(pyproject)) ||
      /install_requires\s*=\s*\[\s*[^\]\s]/.test(setupPy) ||
      (pyproject !== null &&
        /^\[tool\.poetry\.dependencies\]\s*\n(?:\s*python\s*=.*\n)*\s*(?!python\b)[A-Za-z]/m.test(pyproject));
    const srcLayout = names.has('src');
    if (needsPackages) {
      steps.push({
        command: `python3 -m pip install -q -e ${target}${srcLayout ? ` || ${SRC_ON_PATH}` : ''}`,
        reason: `${from}${extras.length > 0 ? ` with the ${extras.join(', ')} extra(s)` : ' dependencies'}`,
      });
    } else if (srcLayout) {
      // Nothing to download: putting src/ on the path does what an editable install would, offline.
      steps.push({ command: SRC_ON_PATH, reason: `${from} without dependencies, src layout` });
    }
  }
  const requirements = [...names]
    .filter((n) => /^(?:(?:dev|test)[-_])?requirements(?:[-_.][\w-]+)?\.txt$/.test(n))
    .sort((a, b) => (a === 'requirements.txt' ? -1 : b === 'requirements.txt' ? 1 : a.localeCompare(b)));
  for (const file of requirements) {
    const text = (await read(dir, file)) ?? '';
    if (!/^\s*[^#\s]/m.test(text)) continue; // empty or comments only
    steps.push({ command: `python3 -m pip install -q -r ${file}`, reason: file });
  }
  return steps;
}

async function goStep(dir: string, names: Set<string>): Promise<Step | null> {
  if (!names.has('go.mod')) return null;
  const mod = (await read(dir, 'go.mod')) ?? '';
  return /^require\b/m.test(mod) ? { command: 'go mod download', reason: 'go.mod requires modules' } : null;
}

async function cargoStep(dir: string, names: Set<string>): Promise<Step | null> {
  if (!names.has('Cargo.toml')) return null;
  const manifest = (await read(dir, 'Cargo.toml')) ?? '';
  const deps = /^\[(?:dev-)?dependencies\]\s*\n\s*[A-Za-z0-9_-]+\s*=/m.test(manifest);
  return deps ? { command: 'cargo fetch', reason: 'Cargo.toml has dependencies' } : null;
}

/** The install step for `dir`, or null when nothing needs installing (no manifest with dependencies). */
export async function inferSetup(dir: string): Promise<InferredSetup | null> {
  const names = new Set(await readdir(dir).catch(() => [] as string[]));
  const steps = [
    await nodeStep(dir, names),
    ...(await pythonSteps(dir, names)),
    await goStep(dir, names),
    await cargoStep(dir, names),
  ].filter((s): s is Step => s !== null);
  if (steps.length === 0) return null;
  return {
    command: steps.map((s) => s.command).join(' && '),
    reasons: steps.map((s) => `\`${s.command}\` from ${s.reason}`),
  };
}
