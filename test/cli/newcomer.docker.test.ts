// First run on repositories with no .github/mimo.yml, as a newcomer would try it: `mimo fix --model none` infers the
// install step (npm ci or pnpm for a lockfile; pip, else src/ on the path, for a Python project), runs it with
// network in the setup phase, and the deterministic fixers repair the missing import. A repository whose runner
// cannot start stops with `setup_needed` naming the program and the `setup:` field instead of a bare `no_progress`.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fullCorpus } from '../helpers/corpus.js';

const bin = new URL('../../bin/mimo.js', import.meta.url).pathname;
const fixtures = new URL('../fixtures/repos/', import.meta.url).pathname;

function fix(name: string, edit?: (dir: string) => void) {
  const repo = mkdtempSync(join(tmpdir(), `mimo-${name}-`));
  cpSync(join(fixtures, name), repo, { recursive: true });
  edit?.(repo);
  const result = spawnSync(process.execPath, [bin, 'fix', '--repo', repo, '--model', 'none'], {
    encoding: 'utf8',
    timeout: 540_000,
  });
  const out = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as {
    success?: boolean;
    stop?: { reason: string; detail: string };
    files?: string[];
  };
  return { repo, result, out };
}

describe('first run on an unconfigured repository (Docker)', () => {
  it.each<[string, string, RegExp, RegExp | null]>([
    ['newcomer-js', 'lib/index.js', /require\('\.\/slug(?:\.js)?'\)/, /\[setup\] npm ci \(network on\)/],
    ['newcomer-py', 'src/geometry/shapes.py', /^import math$/m, /\[setup\] python3 -c .*mimo-src\.pth/],
    // pyproject only, src layout, a `test` extra: the editable install needs a build backend from PyPI
    [
      'newcomer-py-extras',
      'src/gradebook/stats.py',
      /^from bisect import bisect_right\nfrom statistics import mean, median\n/m,
      /\[setup\] python3 -m pip install .*'\.\[test\]'/,
    ],
    // pnpm-lock.yaml, a runtime dependency (ms) and a packageManager field naming another pnpm release
    [
      'newcomer-pnpm',
      'src/index.js',
      /^import ms from 'ms';\nimport \{ toMillis \} from '\.\/units\.js';\n/,
      /\[setup\] pnpm install --frozen-lockfile \(network on\)/,
    ],
    // go modules without requirements need no setup; the fault is in a sub-package of a module with a cmd/
    ['newcomer-go', 'greet/greet.go', /^import \(\n\t"fmt"\n\t"strings"\n\)$/m, null],
    ['newcomer-go-sub', 'pkg/slug/slug.go', /^import \(\n\t"strings"\n\t"unicode"\n\)$/m, null],
    // installs from the npm registry, or a shape newcomer-py-extras covers: only in `npm run test:corpus`
    ...(fullCorpus
      ? ([
          // hatchling, src layout, `test` extra with pytest-cov and --cov in addopts; two names of one stdlib module
          [
            'newcomer-py-src',
            'src/money_fmt/format.py',
            /^import re\nfrom decimal import ROUND_HALF_EVEN, Decimal\n\nfrom money_fmt\.symbols import/m,
            /\[setup\] python3 -m pip install .*'\.\[test\]'/,
          ],
          // a classic yarn v1 lockfile as `yarn install` wrote it, a runtime dependency and mocha
          [
            'newcomer-yarn',
            'lib/index.js',
            /^const escapeStringRegexp = require\('escape-string-regexp'\);\nconst wrap = require\('\.\/wrap(?:\.js)?'\);$/m,
            /\[setup\] yarn install --frozen-lockfile \(network on\)/,
          ],
          // ESM under vitest, package-lock.json
          [
            'newcomer-vitest',
            'src/index.js',
            /^import \{ splitLine \} from '\.\/split\.js';\n/m,
            /\[setup\] npm ci \(network on\)/,
          ],
        ] as Array<[string, string, RegExp, RegExp]>)
      : []),
  ])(
    '%s is repaired by mimo fix --model none',
    (name, file, fixed, setup) => {
      const { repo, result, out } = fix(name);
      try {
        if (setup) {
          expect(result.stderr).toMatch(/\[setup\] inferred \(no `setup:` in \.github\/mimo\.yml\)/);
          expect(result.stderr).toMatch(setup);
        }
        expect(out.stop?.reason).toBe('green');
        expect(result.status).toBe(0);
        expect(readFileSync(join(repo, file), 'utf8')).toMatch(fixed);
      } finally {
        rmSync(repo, { recursive: true, force: true });
      }
    },
    600_000,
  );

  it('stops with setup_needed naming the program when the runner is not installed', () => {
    // A test script whose runner no setup installs (no dependency declares it).
    const { repo, result, out } = fix('newcomer-js', (dir) => {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      pkg.scripts = { test: 'ava' };
      writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    });
    try {
      expect(out.stop?.reason).toBe('setup_needed');
      expect(out.stop?.detail).toMatch(
        /`ava` is not installed in the sandbox after setup `npm ci`.*`setup:`/,
      );
      expect(result.status).toBe(1);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 600_000);
  it('stops with setup_needed naming a declared package the setup could not install', () => {
    // requests is declared in pyproject.toml, not in the runner image, and PyPI is not reachable
    const { repo, result, out } = fix('newcomer-py-offline');
    try {
      expect(out.stop?.reason).toBe('setup_needed');
      expect(out.stop?.detail).toMatch(/the tests import `requests`, which is not installed .*`setup:`/);
      expect(result.status).toBe(1);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 600_000);

  it("stops with setup_needed naming the repository's own code when the configured setup does not install it", () => {
    // A src layout and a `setup:` that installs nothing: `geometry` is the project's own package, not PyPI's.
    const { repo, out } = fix('newcomer-py', (dir) => {
      mkdirSync(join(dir, '.github'), { recursive: true });
      writeFileSync(join(dir, '.github', 'mimo.yml'), 'setup: "true"\n');
    });
    try {
      expect(out.stop?.reason).toBe('setup_needed');
      expect(out.stop?.detail).toMatch(/`geometry`, which is this repository's own code \(`src\/geometry`\)/);
      expect(out.stop?.detail).toContain('PYTHONPATH=src');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 600_000);

  it('`mimo localize` runs the same setup: a pnpm repository whose packageManager names another release answers', () => {
    // pnpm 10 would fetch the named release for every `pnpm test` (offline: no test ran, an empty answer)
    const repo = mkdtempSync(join(tmpdir(), 'mimo-newcomer-pnpm-localize-'));
    cpSync(join(fixtures, 'newcomer-pnpm'), repo, { recursive: true });
    try {
      const result = spawnSync(process.execPath, [bin, 'localize', '--repo', repo, '--limit', '5'], {
        encoding: 'utf8',
        timeout: 540_000,
      });
      expect(result.stderr).toContain('pnpm install --frozen-lockfile');
      expect(result.status).toBe(0);
      const suspects = JSON.parse(result.stdout) as { file: string; line: number }[];
      expect(suspects.length).toBeGreaterThan(0);
      expect(suspects.every((s) => s.file === 'src/index.js')).toBe(true);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 600_000);
});
