import { FixerMemo } from './memo.js';
import { findPythonErrors, type PyError } from './python-errors.js';
import { insertPythonImport, type Classify } from './python-insert.js';
import { PY_ALIASES, PY_MOVED_NAMES, PY_STDLIB_MODULES, replacementModule } from './python-names.js';
import { existingImports, moduleOf, publicPackageOf, pythonFiles, repoDefinitions } from './python-repo.js';
import { packageExporters } from './python-packages.js';
import { pythonStdlib, type SandboxStdlib } from './python-stdlib.js';
import type { Fixer, FixerContext, FixProposal } from './types.js';

/** At most this many alternative imports per missing name: the loop tries each (a test run apiece). */
const MAX_ALTERNATIVES = 3;

interface Facts {
  context: FixerContext;
  stdlib?: SandboxStdlib;
  files: Set<string>;
}

function isStdlib(facts: Facts, module: string): boolean {
  const top = module.split('.')[0]!;
  return facts.stdlib ? facts.stdlib.isModule(top) : PY_STDLIB_MODULES.has(top);
}

/** Top-level packages and modules of the repository itself (`src/` layouts included). */
function isLocal(facts: Facts, module: string): boolean {
  if (module.startsWith('.')) return true;
  const top = module.split('.')[0]!;
  return [...facts.files].some((f) => moduleOf(f, facts.files)?.split('.')[0] === top);
}

function classifier(facts: Facts): Classify {
  return (module) =>
    module === '__future__'
      ? 'future'
      : isLocal(facts, module)
        ? 'local'
        : isStdlib(facts, module)
          ? 'stdlib'
          : 'third';
}

/** Whether the sandbox's Python can import `module` (an installed package), without running the repository. */
async function installed(context: FixerContext, module: string): Promise<boolean> {
  if (!/^[A-Za-z_]\w*$/.test(module)) return false;
  const memo = context.memo ?? new FixerMemo();
  return memo.get(`py-installed:${module}`, async () => {
    const script = 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(sys.argv[1]) else 1)';
    const result = await context.sandbox.exec(
      ['sh', '-c', 'cd / && exec python3 -I -c "$0" "$1"', script, module],
      {
        timeoutMs: 20_000,
        signal: context.signal,
      },
    );
    return result.exitCode === 0;
  });
}

/**
 * `from ..util.text import name` for module `pkg.render.html` importing from `pkg.util.text`: undefined when the two
 * do not share a top-level package.
 */
function relativeImport(own: string, isPackage: boolean, target: string, name: string): string | undefined {
  const from = isPackage ? own.split('.') : own.split('.').slice(0, -1);
  const to = target.split('.');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  if (common === 0) return undefined;
  return `from ${'.'.repeat(from.length - common + 1)}${to.slice(common).join('.')} import ${name}`;
}

/** Candidate import statements for a missing `name` used in `file`, best first. */
async function candidatesFor(facts: Facts, name: string, file: string, source: string): Promise<string[]> {
  const { context } = facts;
  const ws = context.workspace;
  const out: string[] = [];
  const add = (s: string | undefined): void => {
    if (s && !out.includes(s)) out.push(s);
  };
  // 1. What the rest of the repository already does.
  for (const known of await existingImports(ws, name, file)) add(known.statement);
  if (PY_ALIASES[name]) add(PY_ALIASES[name]);
  const attributeUse = new RegExp(`(?<![\\w.])${name}\\.\\w`).test(source);
  const awaited = new RegExp(`\\bawait\\s+${name}\\(`).test(source);
  if (name === 'datetime') {
    add(
      /\bdatetime\.(now|utcnow|today|strptime|fromisoformat|fromtimestamp|combine|min|max)\b/.test(source)
        ? 'from datetime import datetime'
        : 'import datetime',
    );
  }
  // 2. Used as a module (`name.attr`): the standard library, a repository module, an installed package.
  if (attributeUse) {
    if (isStdlib(facts, name)) add(`import ${name}`);
    for (const f of facts.files) {
      const module = moduleOf(f, facts.files);
      if (!module || module.split('.').pop() !== name) continue;
      add(
        module.includes('.')
          ? `from ${module.split('.').slice(0, -1).join('.')} import ${name}`
          : `import ${name}`,
      );
    }
  }
  // 3. A definition of the repository: from its module, or from the package that re-exports it for outsiders.
  for (const def of await repoDefinitions(ws, name, file)) {
    if (!def.module) continue;
    const pkg = await publicPackageOf(ws, def, name);
    const ownPackage = def.module.split('.').slice(0, -1).join('.');
    const inside = moduleOf(file, facts.files)?.startsWith(`${ownPackage}.`) ?? false;
    if (pkg && !inside) add(`from ${pkg} import ${name}`);
    // A file that imports its own package relatively (`from ..util.links import x`) gets the name the same way.
    const own = moduleOf(file, facts.files);
    if (own && /^from\s+\.+\w/m.test(source))
      add(relativeImport(own, file.endsWith('__init__.py'), def.module, name));
    add(`from ${def.module} import ${name}`);
  }
  // 4. A standard-library name (`sleep(` → from time import sleep; awaited → asyncio's). Not for a standard
  // module used as one (`math.pi`): that is step 2's import, and the names index costs seconds to build.
  if (facts.stdlib && !(attributeUse && isStdlib(facts, name))) {
    const exporters = (await facts.stdlib.exporters(name)).filter((e) => !/(^|\.)_/.test(e.module));
    if (awaited) exporters.sort((a, b) => Number(b.module === 'asyncio') - Number(a.module === 'asyncio'));
    for (const e of exporters.slice(0, 2)) add(`from ${e.module} import ${name}`);
  }
  if (isStdlib(facts, name)) add(`import ${name}`);
  // 5. A name of a package the repository declares as a dependency (`Version` → packaging.version).
  if (out.length === 0 && !attributeUse) {
    for (const e of (await packageExporters(context, name)).slice(0, 2))
      add(`from ${e.module} import ${name}`);
  }
  // 6. An installed package used under its own name.
  if (out.length === 0 && (await installed(context, name))) add(`import ${name}`);
  return out.slice(0, MAX_ALTERNATIVES);
}

function nameProposal(facts: Facts, error: PyError, statement: string): FixProposal {
  const ws = facts.context.workspace;
  const file = error.file!;
  return {
    fixer: 'python-import',
    description: `add \`${statement}\` to ${file} (NameError: name '${error.name}' is not defined)`,
    key: `py-name:${file}:${statement}`,
    resolves: `name '${error.name}' is not defined`,
    apply: async () => {
      await ws.write(file, insertPythonImport(await ws.read(file), statement, classifier(facts)));
      return [file];
    },
  };
}

/** The module a wrongly imported name really lives in: moved in the standard library or in the repository. */
async function movedTo(facts: Facts, error: PyError, file: string | undefined): Promise<string | undefined> {
  const from = error.from!;
  if (PY_MOVED_NAMES[from]?.[error.name]) return PY_MOVED_NAMES[from]![error.name];
  if (isLocal(facts, from)) {
    const defs = await repoDefinitions(facts.context.workspace, error.name, file ?? '');
    const def = defs.find((d) => d.module && d.module !== from);
    if (def) return def.module;
  }
  if (isStdlib(facts, from) && facts.stdlib) {
    const top = from.split('.')[0]!;
    const exporters = (await facts.stdlib.exporters(error.name)).filter(
      (e) => e.module !== from && !/(^|\.)_/.test(e.module),
    );
    return (exporters.find((e) => e.module.startsWith(`${top}.`)) ?? exporters.find((e) => e.own))?.module;
  }
  return undefined;
}

async function moduleProposal(facts: Facts, error: PyError): Promise<FixProposal | undefined> {
  const ws = facts.context.workspace;
  const target =
    error.kind === 'ModuleNotFoundError'
      ? replacementModule(error.name, facts.stdlib?.modules)
      : await movedTo(facts, error, error.file);
  if (!target) return undefined;
  const candidates = error.file ? [error.file] : await pythonFiles(ws);
  const module = error.kind === 'ModuleNotFoundError' ? error.name : error.from!;
  const esc = module.replace(/\./g, '\\.');
  const importRe =
    error.kind === 'ImportError'
      ? new RegExp(`^(\\s*)(from)\\s+${esc}(\\s+import\\s+.*)$`, 'm')
      : new RegExp(`^(\\s*)(import|from)\\s+${esc}(?=[\\s.,]|$)(.*)$`, 'm');
  for (const file of candidates) {
    const source = await ws.readIfExists(file);
    if (source === null) continue;
    const m = importRe.exec(source);
    if (!m) continue;
    const [line, indent, keyword, rest] = m as unknown as [string, string, string, string];
    let replacement: string;
    if (error.kind === 'ImportError') {
      const names = rest
        .replace(/^\s*import\s+/, '')
        .replace(/[()]/g, '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const keep = names.filter((n) => n.split(/\s+as\s+/)[0] !== error.name);
      const moved = names.filter((n) => n.split(/\s+as\s+/)[0] === error.name);
      if (moved.length === 0) continue;
      replacement = [
        ...(keep.length > 0 ? [`${indent}from ${module} import ${keep.join(', ')}`] : []),
        `${indent}from ${target} import ${moved.join(', ')}`,
      ].join('\n');
    } else if (
      keyword === 'import' &&
      /^\s*$/.test(rest) &&
      new RegExp(`\\b${esc}\\.`).test(source.replace(line, ''))
    ) {
      replacement = `${indent}import ${target} as ${module}`;
    } else {
      replacement = `${indent}${keyword} ${target}${rest}`;
    }
    return {
      fixer: 'python-import',
      description: `replace \`${line.trim()}\` with \`${replacement.trim().replace(/\n\s*/g, '; ')}\` in ${file} (${error.kind}: ${error.name})`,
      key: `py-module:${file}:${line.trim()}`,
      resolves:
        error.kind === 'ImportError'
          ? `cannot import name '${error.name}'`
          : `No module named '${error.name}'`,
      apply: async () => {
        const now = await ws.read(file);
        await ws.write(file, now.replace(line, replacement));
        return [file];
      },
    };
  }
  return undefined;
}

/**
 * Python NameError (also doctests and flake8/ruff F821) fixed by adding the import the name needs, resolved against
 * the sandbox Python's standard library, the repository's own modules and installed packages; ImportError and
 * ModuleNotFoundError fixed by correcting the module.
 */
export const pythonImportFixer: Fixer = {
  name: 'python-import',
  async propose(context) {
    const errors = findPythonErrors(context);
    if (errors.length === 0) return [];
    const memo = context.memo ?? new FixerMemo();
    const facts: Facts = {
      context: { ...context, memo },
      stdlib: await pythonStdlib(context.sandbox, memo, context.signal).catch(() => undefined),
      files: new Set(await pythonFiles(context.workspace)),
    };
    const proposals: FixProposal[] = [];
    const push = (p: FixProposal | undefined): void => {
      if (p && !proposals.some((q) => q.key === p.key)) proposals.push(p);
    };
    for (const error of errors) {
      if (error.kind !== 'NameError') {
        push(await moduleProposal(facts, error));
        continue;
      }
      if (!error.file) continue;
      const source = await context.workspace.readIfExists(error.file);
      if (source === null) continue;
      const present = new Set(source.split('\n').map((l) => l.trim()));
      for (const statement of await candidatesFor(facts, error.name, error.file, source)) {
        if (!present.has(statement)) push(nameProposal(facts, error, statement));
      }
    }
    return proposals;
  },
};
