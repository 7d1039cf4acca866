import type { Workspace } from '../tools/index.js';
import { FixerMemo } from './memo.js';
import type { FixerContext } from './types.js';
import { PUBLIC_NAMES_WALK, PythonStdlib, type StdlibExport } from './python-stdlib.js';

/**
 * The public names of the third-party packages a repository declares (requirements files, `[project]` dependencies
 * and extras, setup.py/setup.cfg `install_requires`) and that the sandbox has installed: `Version(` with
 * `packaging` declared → `from packaging.version import Version`. Only declared packages are indexed, so what is
 * merely lying around in the image is never proposed, and the index stays small (one Python start).
 *
 * Distribution names map to their import names through `importlib.metadata.packages_distributions()`
 * (`PyYAML` → `yaml`); each package is walked two levels down like the standard library's index. The script runs
 * from `/` with `-E -P` (no environment, no script directory on sys.path) but with the user site, where setup's
 * `pip install` puts packages for the non-root runner user.
 */
export const PACKAGES_INDEX_SCRIPT = String.raw`
import sys, importlib, importlib.metadata as md, pkgutil, warnings, io, contextlib, inspect, re
sys.dont_write_bytecode = True
norm = lambda s: re.sub(r'[-_.]+', '-', s).lower()
wanted = {norm(d) for d in sys.argv[1:]}
tops = set()
try:
    for top, dists in md.packages_distributions().items():
        if any(norm(d) in wanted for d in dists) and not top.startswith('_'):
            tops.add(top)
except Exception:
    pass
tops |= {d.replace('-', '_') for d in sys.argv[1:] if d.replace('-', '_').isidentifier()}
ROOTS = sorted(tops)
SKIP_LEAVES = ('test', 'tests', 'conftest')
mods = []
${PUBLIC_NAMES_WALK}`;

const REQUIREMENT_FILE =
  /^(?:(?:dev|test)[-_])?requirements(?:[-_.][\w-]+)?\.txt$|^requirements\/[\w.-]+\.txt$/;

/** The distribution name a requirement line or PEP 508 string starts with (`PyYAML>=6; python_version…` → PyYAML). */
function requirementName(spec: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return m && !/^(-|#)/.test(spec.trim()) ? m[1] : undefined;
}

/**
 * A `[...]` list whose quoted items may hold brackets (`"requests[socks]>=2"`) and whose lines may end in a comment
 * (`# it's optional`): group 1 is its inside.
 */
const LIST = String.raw`\[((?:[^\]"'#]|"[^"\n]*"|'[^'\n]*'|#[^\n]*)*)\]`;
const listAfter = (key: string, flags: string) => new RegExp(`${key}\\s*${LIST}`, flags);

/** Quoted strings inside the `[...]` after `key =` (or every `key = [...]` of a section when key is null). */
function quotedIn(text: string, list: RegExp): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(list))
    for (const q of m[1]!.matchAll(/(["'])(.+?)\1|#[^\n]*/g)) if (q[2]) out.push(q[2]);
  return out;
}

/** Distribution names the repository declares as its dependencies (any extra, any requirements file). */
export async function declaredDistributions(ws: Workspace): Promise<string[]> {
  const names = new Set<string>();
  const add = (spec: string): void => {
    const name = requirementName(spec);
    if (name) names.add(name);
  };
  const files = await ws.list('.');
  for (const file of files.filter((f) => REQUIREMENT_FILE.test(f))) {
    for (const line of ((await ws.readIfExists(file)) ?? '').split('\n')) add(line.replace(/#.*/, ''));
  }
  const pyproject = (await ws.readIfExists('pyproject.toml')) ?? '';
  quotedIn(pyproject, listAfter('^\\s*dependencies\\s*=', 'gm')).forEach(add);
  const extras = /^\[project\.optional-dependencies\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(pyproject);
  if (extras) quotedIn(extras[1]!, listAfter('^\\s*[\\w.-]+\\s*=', 'gm')).forEach(add);
  const poetry = /^\[tool\.poetry\.(?:dev-|group\.\w+\.)?dependencies\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/gm;
  for (const m of pyproject.matchAll(poetry))
    for (const d of m[1]!.matchAll(/^\s*([A-Za-z0-9][\w.-]*)\s*=/gm)) if (d[1] !== 'python') names.add(d[1]!);
  const setupPy = (await ws.readIfExists('setup.py')) ?? '';
  quotedIn(setupPy, listAfter('(?:install_requires|tests_require)\\s*=', 'g')).forEach(add);
  for (const m of setupPy.matchAll(/extras_require\s*=\s*\{([^}]*)\}/g))
    quotedIn(m[1]!, listAfter(':', 'g')).forEach(add);
  const setupCfg = (await ws.readIfExists('setup.cfg')) ?? '';
  const cfgList = /^(?:install_requires|tests_require|\w+)\s*=\s*\n((?:[ \t]+\S.*\n?)+)/gm;
  for (const m of setupCfg.matchAll(cfgList)) m[1]!.split('\n').forEach(add);
  return [...names].sort();
}

/** The index of the declared, installed packages' public names, kept in the run's memo (undefined: none). */
export function pythonPackages(context: FixerContext): Promise<PythonStdlib | undefined> {
  const memo = context.memo ?? new FixerMemo();
  return memo.get('python-packages', async () => {
    const dists = await declaredDistributions(context.workspace);
    if (dists.length === 0) return undefined;
    const result = await context.sandbox.exec(
      ['sh', '-c', 'cd / && exec python3 -E -P -c "$0" "$@"', PACKAGES_INDEX_SCRIPT, ...dists],
      { timeoutMs: 60_000, maxOutputBytes: 8 * 1024 * 1024, signal: context.signal },
    );
    if (result.exitCode !== 0 || result.truncatedBytes > 0) return undefined;
    const index = new PythonStdlib(result.stdout);
    return index.modules.size > 0 ? index : undefined;
  });
}

/** Modules of the declared packages that export `name`, own definitions first (private modules left out). */
export async function packageExporters(context: FixerContext, name: string): Promise<StdlibExport[]> {
  const index = await pythonPackages(context).catch(() => undefined);
  return (index?.exporters(name) ?? []).filter((e) => !/(^|\.)_/.test(e.module));
}
