import type { Sandbox } from '../sandbox/index.js';
import { FixerMemo } from './memo.js';

/**
 * The walk both indexes share (this one and python-packages.ts): imports each of ROOTS quietly, then its public
 * submodules two levels down (leaves in SKIP_LEAVES and `_` names left out), and prints one line per module with
 * its public names, `+` marking the ones it defines. The script before it sets ROOTS, SKIP_LEAVES and `mods` (the
 * modules listed before the walk's).
 */
export const PUBLIC_NAMES_WALK = String.raw`
def load(name):
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter('ignore')
            return importlib.import_module(name)
    except BaseException:
        return None
def children(module, prefix):
    if not hasattr(module, '__path__'):
        return []
    found = []
    for info in pkgutil.iter_modules(module.__path__, prefix + '.'):
        leaf = info.name.rsplit('.', 1)[-1]
        if leaf.startswith('_') or leaf in SKIP_LEAVES:
            continue
        sub = load(info.name)
        if sub is not None:
            found.append((info.name, sub))
    return found
for top in ROOTS:
    m = load(top)
    if m is None:
        continue
    mods.append((top, m))
    for name, sub in children(m, top):
        mods.append((name, sub))
        mods.extend(children(sub, name))
for name, m in mods:
    public = getattr(m, '__all__', None)
    if not isinstance(public, (list, tuple)):
        public = [n for n in dir(m) if not n.startswith('_')]
    names = []
    for n in public:
        if not isinstance(n, str) or n.startswith('_') or not n.isidentifier():
            continue
        v = getattr(m, n, None)
        if v is None or inspect.ismodule(v):
            continue
        home = getattr(v, '__module__', None)
        own = isinstance(home, str) and (home == name or home.startswith(name + '.') or home.lstrip('_') == name)
        names.append(('+' if own else '') + n)
    sys.stdout.write(name + '\t' + ' '.join(names) + '\n')
`;

/**
 * The standard library of the sandbox's own Python: every importable module of `sys.stdlib_module_names` (and their
 * public submodules two levels down, plus `os.path`), each with its public names (`__all__`, else `dir()` without
 * `_` names). A `+` marks a name the module defines itself (its `__module__` is the module or one of its private
 * parts), as opposed to one it merely re-exports (`os.path` re-exporting `stat` names).
 * Run with `-I` (isolated: no current directory or user site on sys.path) from `/`, so the repository's own
 * `json.py` can neither shadow the standard library nor run.
 */
export const STDLIB_INDEX_SCRIPT = String.raw`
import sys, importlib, pkgutil, warnings, io, contextlib, inspect, os
sys.dont_write_bytecode = True
SKIP = {'antigravity', 'this', 'idlelib', 'tkinter', 'turtle', 'turtledemo', 'lib2to3', 'ensurepip', 'pydoc_data',
        'test', 'distutils', 'msilib', 'winreg', 'winsound', 'msvcrt', 'nt'}
ROOTS = [t for t in sorted(sys.stdlib_module_names) if not t.startswith('_') and t not in SKIP]
SKIP_LEAVES = ('test', 'tests')
mods = [('os.path', os.path)]
${PUBLIC_NAMES_WALK}`;

/**
 * The module names alone, without importing any (`find_spec` for the top level, then the package folders two levels
 * down, as the index above walks them): one Python start instead of the seconds the full index takes. Same flags.
 */
export const STDLIB_MODULES_SCRIPT = String.raw`
import sys, os, pkgutil, importlib.util
SKIP = {'antigravity', 'this', 'idlelib', 'tkinter', 'turtle', 'turtledemo', 'lib2to3', 'ensurepip', 'pydoc_data',
        'test', 'distutils', 'msilib', 'winreg', 'winsound', 'msvcrt', 'nt'}
out = ['os.path']
def walk(prefix, paths, depth):
    for info in pkgutil.iter_modules(paths, prefix + '.'):
        leaf = info.name.rsplit('.', 1)[-1]
        if leaf.startswith('_') or leaf in ('test', 'tests'):
            continue
        out.append(info.name)
        if info.ispkg and depth < 2 and hasattr(info.module_finder, 'path'):
            walk(info.name, [os.path.join(info.module_finder.path, leaf)], depth + 1)
for top in sorted(sys.stdlib_module_names):
    if top.startswith('_') or top in SKIP:
        continue
    try:
        spec = importlib.util.find_spec(top)
    except BaseException:
        spec = None
    if spec is None:
        continue
    out.append(top)
    if spec.submodule_search_locations:
        walk(top, list(spec.submodule_search_locations), 1)
sys.stdout.write('\n'.join(out) + '\n')
`;

export interface StdlibExport {
  module: string;
  /** Defined by this module (not a re-export). */
  own: boolean;
}

export class PythonStdlib {
  /** Every importable standard-library module, dotted submodules included. */
  readonly modules: ReadonlySet<string>;
  private readonly byName = new Map<string, StdlibExport[]>();

  constructor(listing: string) {
    const modules = new Set<string>();
    for (const line of listing.split('\n')) {
      const [module, names = ''] = line.split('\t');
      if (!module || !/^[\w.]+$/.test(module)) continue;
      modules.add(module);
      for (const raw of names.split(' ')) {
        if (!raw) continue;
        const own = raw.startsWith('+');
        const name = own ? raw.slice(1) : raw;
        const list = this.byName.get(name) ?? [];
        list.push({ module, own });
        this.byName.set(name, list);
      }
    }
    this.modules = modules;
  }

  /** The modules that export `name`, best first: own definitions, then top-level, common, short module names. */
  exporters(name: string): StdlibExport[] {
    const list = [...(this.byName.get(name) ?? [])];
    return list.sort(
      (a, b) =>
        Number(b.own) - Number(a.own) ||
        commonRank(a.module) - commonRank(b.module) ||
        a.module.split('.').length - b.module.split('.').length ||
        a.module.length - b.module.length ||
        a.module.localeCompare(b.module),
    );
  }

  isModule(name: string): boolean {
    return this.modules.has(name);
  }
}

/**
 * Tie-break between modules that define the same name (`sqrt` in math and cmath, `sleep` in time and asyncio,
 * `Path` in pathlib and zipfile): the modules everyday code imports from first. Only an order, never a name table:
 * what a module exports always comes from the sandbox's Python.
 */
const COMMON = (
  'os os.path sys re json math time datetime collections itertools functools typing pathlib dataclasses enum ' +
  'random statistics string textwrap copy io shutil subprocess logging argparse decimal fractions operator ' +
  'contextlib abc uuid hashlib base64 csv tempfile glob fnmatch heapq bisect pprint inspect types warnings ' +
  'threading queue socket urllib.parse urllib.request http unittest unittest.mock asyncio'
).split(' ');

function commonRank(module: string): number {
  const i = COMMON.indexOf(module);
  return i === -1 ? COMMON.length : i;
}

/**
 * The sandbox Python's standard library for one run: its module names at once (one Python start), the names each
 * module exports only when a fixer first asks for them (the full index imports every module: 2–5 s measured in the
 * runner image under load), both kept in the run's memo.
 */
export class SandboxStdlib {
  constructor(
    readonly modules: ReadonlySet<string>,
    private readonly names: () => Promise<PythonStdlib | undefined>,
  ) {}

  isModule(name: string): boolean {
    return this.modules.has(name);
  }

  /** As PythonStdlib.exporters; none when the index cannot be built. */
  async exporters(name: string): Promise<StdlibExport[]> {
    return (await this.names().catch(() => undefined))?.exporters(name) ?? [];
  }
}

async function runStdlibScript(
  sandbox: Sandbox,
  script: string,
  signal?: AbortSignal,
): Promise<PythonStdlib | undefined> {
  const result = await sandbox.exec(['sh', '-c', 'cd / && exec python3 -I -c "$0"', script], {
    timeoutMs: 60_000,
    maxOutputBytes: 8 * 1024 * 1024,
    signal,
  });
  if (result.exitCode !== 0 || result.truncatedBytes > 0) return undefined;
  const index = new PythonStdlib(result.stdout);
  return index.modules.size > 0 ? index : undefined;
}

/** The sandbox Python's standard library, kept in the run's memo (undefined: no usable python3). */
export function pythonStdlib(
  sandbox: Sandbox,
  memo: FixerMemo = new FixerMemo(),
  signal?: AbortSignal,
): Promise<SandboxStdlib | undefined> {
  return memo.get('python-stdlib', async () => {
    const list = await runStdlibScript(sandbox, STDLIB_MODULES_SCRIPT, signal);
    if (!list) return undefined;
    return new SandboxStdlib(list.modules, () =>
      memo.get('python-stdlib-names', () => runStdlibScript(sandbox, STDLIB_INDEX_SCRIPT, signal)),
    );
  });
}
