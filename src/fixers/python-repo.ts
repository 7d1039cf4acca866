import { dirname, posix } from 'node:path';
import type { Workspace } from '../tools/index.js';

/** A name the repository defines at the top level of one of its modules. */
export interface RepoDefinition {
  file: string;
  /** Dotted import path (`mypkg.core`, with a `src/` layout's `src/` dropped); undefined when not importable. */
  module?: string;
}

const TEST_PATH = /(^|\/)(tests?|testing)\/|(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/;
const SKIP_DIR = /(^|\/)(\.venv|venv|env|\.tox|\.nox|build|dist|site-packages|__pycache__|node_modules)\//;

export async function pythonFiles(workspace: Workspace): Promise<string[]> {
  return (await workspace.list('.')).filter((f) => f.endsWith('.py') && !SKIP_DIR.test(f));
}

/** The dotted module of a file: its package chain (folders with `__init__.py`) below the source root. */
export function moduleOf(file: string, files: ReadonlySet<string>): string | undefined {
  const parts = file.replace(/\.py$/, '').split('/');
  const leaf = parts.pop()!;
  const chain = leaf === '__init__' ? [] : [leaf];
  while (parts.length > 0 && files.has([...parts, '__init__.py'].join('/'))) chain.unshift(parts.pop()!);
  // What is left is the source root: the repository itself, `src/`, or a folder on sys.path by configuration.
  const root = parts.join('/');
  if (chain.length === 0) return undefined;
  if (
    root !== '' &&
    root !== 'src' &&
    !/^(lib|python)$/.test(root) &&
    chain.length === 1 &&
    leaf !== '__init__'
  )
    return undefined;
  return chain.join('.');
}

/** Top-level names a module defines: `def`, `class`, assignments, `__all__` entries and top-level imports. */
export function topLevelNames(source: string): {
  defined: Set<string>;
  imported: Set<string>;
  all?: string[];
} {
  const defined = new Set<string>();
  const imported = new Set<string>();
  for (const m of source.matchAll(/^(?:async\s+)?(?:def|class)\s+(\w+)/gm)) defined.add(m[1]!);
  for (const m of source.matchAll(/^(\w+)\s*(?::[^=\n]+)?=(?!=)/gm)) defined.add(m[1]!);
  for (const m of source.matchAll(/^from\s+[\w.]+\s+import\s+(\([^)]*\)|[^\n#]+)/gm)) {
    for (const part of m[1]!.replace(/[()\\]/g, ' ').split(',')) {
      const name = part
        .trim()
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name && /^\w+$/.test(name)) imported.add(name);
    }
  }
  const all = /^__all__\s*(?::[^=\n]+)?=\s*[[(]([^\])]*)[\])]/m.exec(source);
  const names = all ? [...all[1]!.matchAll(/['"](\w+)['"]/g)].map((m) => m[1]!) : undefined;
  return { defined, imported, all: names };
}

/** Where the repository defines `name` (test files last), with the module each definition imports as. */
export async function repoDefinitions(
  workspace: Workspace,
  name: string,
  exclude: string,
): Promise<RepoDefinition[]> {
  const files = await pythonFiles(workspace);
  const set = new Set(files);
  const found: RepoDefinition[] = [];
  for (const file of files) {
    if (file === exclude) continue;
    const source = await workspace.readIfExists(file);
    if (!source || !new RegExp(`\\b${name}\\b`).test(source)) continue;
    const { defined } = topLevelNames(source);
    if (defined.has(name)) found.push({ file, module: moduleOf(file, set) });
  }
  return found.sort((a, b) => Number(TEST_PATH.test(a.file)) - Number(TEST_PATH.test(b.file)));
}

/** The package `__init__.py` that re-exports `name` from `module`, for callers outside that package. */
export async function publicPackageOf(
  workspace: Workspace,
  definition: RepoDefinition,
  name: string,
): Promise<string | undefined> {
  if (!definition.module?.includes('.')) return undefined;
  const pkg = definition.module.split('.').slice(0, -1);
  for (let n = 1; n <= pkg.length; n++) {
    const init = posix.join(dirname(definition.file), ...Array(pkg.length - n).fill('..'), '__init__.py');
    const source = await workspace.readIfExists(posix.normalize(init));
    if (!source) continue;
    const { imported, defined, all } = topLevelNames(source);
    if (imported.has(name) || defined.has(name) || all?.includes(name)) return pkg.slice(0, n).join('.');
  }
  return undefined;
}

/**
 * How other files of the repository already import `name` (`from x import name`, `import name`), most used first:
 * the best evidence of the right spelling (absolute or relative, package or module).
 */
export async function existingImports(
  workspace: Workspace,
  name: string,
  exclude: string,
): Promise<Array<{ statement: string; file: string }>> {
  const counts = new Map<string, { n: number; file: string }>();
  const re = new RegExp(
    String.raw`^[ \t]*(?:from\s+([\w.]+)\s+import\s+(?:\([^)]*\b${name}\b[^)]*\)|[^\n]*\b${name}\b[^\n]*)|import\s+([\w.]+\s+as\s+${name}|${name}))\s*$`,
    'gm',
  );
  for (const file of await pythonFiles(workspace)) {
    if (file === exclude) continue;
    const source = await workspace.readIfExists(file);
    if (!source?.includes(name)) continue;
    for (const m of source.matchAll(re)) {
      let statement: string;
      if (m[1]) {
        const names = m[0]
          .replace(/^[^]*?import\s+/, '')
          .replace(/[()\\]/g, ' ')
          .split(',');
        const entry = names
          .map((n) => n.trim().replace(/\s+/g, ' '))
          .find((n) => n === name || n.endsWith(` as ${name}`));
        if (!entry) continue;
        if (m[1].startsWith('.') && dirname(file) !== dirname(exclude)) continue;
        statement = `from ${m[1]} import ${entry}`;
      } else statement = `import ${m[2]!.replace(/\s+/g, ' ')}`;
      const known = counts.get(statement);
      counts.set(statement, { n: (known?.n ?? 0) + 1, file: known?.file ?? file });
    }
  }
  return [...counts.entries()]
    .sort((a, b) => b[1].n - a[1].n)
    .map(([statement, v]) => ({ statement, file: v.file }));
}
