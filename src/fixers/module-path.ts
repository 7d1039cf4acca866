import { dirname, posix } from 'node:path';
import { JS_FILE } from './js-errors.js';
import { moduleExports } from './js-exports.js';
import { workspacePath, type Fixer, type FixerContext, type FixProposal } from './types.js';

/** A relative module specifier that resolves to no file, and the file that imports it. */
interface MissingModule {
  file: string;
  specifier: string;
  text: string;
}

const NOT_A_SOURCE = /(^|\/)(node_modules|dist|build|out|coverage|\.next)\/|\.d\.[cm]?ts$|\.min\.js$/;

/**
 * tsc `src/a.ts(1,30): error TS2307: Cannot find module './x.js' …`, Node's CommonJS `Cannot find module './x'` with
 * its `Require stack`, and ESM `ERR_MODULE_NOT_FOUND … Cannot find module '/workspace/src/x.js' imported from …`.
 * Only relative specifiers: a missing package is a setup problem, not a path to correct.
 */
export function findMissingModules(output: string, workdir: string): MissingModule[] {
  // eslint-disable-next-line no-control-regex
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const out: MissingModule[] = [];
  const add = (file: string | undefined, specifier: string, message: string): void => {
    const rel = workspacePath(file, workdir);
    if (!rel || !JS_FILE.test(rel) || !specifier.startsWith('.')) return;
    if (!out.some((m) => m.file === rel && m.specifier === specifier))
      out.push({ file: rel, specifier, text: message });
  };
  for (const m of text.matchAll(
    /^\s*([^\s()][^():\n]*?\.[cm]?tsx?)(?:\(\d+,\d+\):|:\d+:\d+ -) error TS2307: (Cannot find module '([^']+)')/gm,
  ))
    add(m[1], m[3]!, m[2]!);
  for (const m of text.matchAll(
    /Cannot find module '(\.{1,2}\/[^']+)'\s*\n\s*Require stack:\s*\n\s*- (\S+)/g,
  ))
    add(m[2], m[1]!, `Cannot find module '${m[1]}'`);
  for (const m of text.matchAll(/Cannot find module '(\/[^']+)' imported from (\S+)/g)) {
    const from = workspacePath(m[2]!.replace(/^file:\/\//, ''), workdir);
    const target = workspacePath(m[1], workdir);
    if (!from || !target) continue;
    let spec = posix.relative(dirname(from), target);
    if (!spec.startsWith('.')) spec = `./${spec}`;
    add(from, spec, `Cannot find module '${m[1]}'`);
  }
  return out;
}

/** The names an import or require of `specifier` in `source` binds by name (`{ a, b }`), and its statement text. */
function importedNames(source: string, specifier: string): { names: string[]; quoted: string } | undefined {
  const esc = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const quoted = new RegExp(`(['"])${esc}\\1`).exec(source)?.[0];
  if (!quoted) return undefined;
  const named = new RegExp(
    `(?:import|export)\\s+(?:type\\s+)?\\{([^}]*)\\}\\s*from\\s*${quoted}|\\{([^}]*)\\}\\s*=\\s*require\\(\\s*${quoted}`,
  ).exec(source);
  const list = named ? (named[1] ?? named[2])! : '';
  const names = list
    .split(',')
    .map(
      (n) =>
        n
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+|\s*:\s*/)[0]!,
    )
    .filter(Boolean);
  return { names, quoted };
}

const stem = (path: string): string => {
  const base = posix.basename(path).replace(/\.[cm]?[jt]sx?$/, '');
  return base === 'index' ? posix.basename(posix.dirname(path)) : base;
};

/** Repository modules named like the missing one that export every name imported from it, nearest first. */
async function candidates(context: FixerContext, missing: MissingModule, names: string[]): Promise<string[]> {
  const want = stem(missing.specifier);
  const ts = /\.[cm]?tsx?$/.test(missing.file);
  const found: string[] = [];
  for (const file of await context.workspace.list('.')) {
    if (!JS_FILE.test(file) || NOT_A_SOURCE.test(file) || file === missing.file || stem(file) !== want)
      continue;
    if (ts !== /\.[cm]?tsx?$/.test(file) && ts) continue;
    const text = await context.workspace.readIfExists(file);
    if (text === null) continue;
    const exp = moduleExports(text);
    if (names.every((n) => exp.named.has(n) || exp.reexports.some((r) => r.names === '*'))) found.push(file);
  }
  const distance = (f: string): number =>
    posix.relative(dirname(missing.file), dirname(f)).split('/').filter(Boolean).length;
  return found.sort((a, b) => distance(a) - distance(b) || a.localeCompare(b));
}

/** The specifier for `target` written like the broken one: with its extension (`.js` for a TS source) or without. */
function respecify(from: string, target: string, broken: string): string {
  let spec = posix.relative(dirname(from), target);
  if (!spec.startsWith('.')) spec = `./${spec}`;
  const ext = /\.[cm]?[jt]sx?$/.exec(broken)?.[0];
  if (!ext) return spec.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
  // a TypeScript source is imported under the extension the broken specifier used (`.js` under NodeNext)
  return /\.[cm]?tsx?$/.test(target) ? spec.replace(/\.[cm]?tsx?$/, ext) : spec;
}

/**
 * A relative import of a module that is not there (TS2307, Node's "Cannot find module"), where the repository has
 * one module of that name exporting what the import asks for (it moved, or the path was mistyped): the specifier is
 * corrected to it. Anything else (no such module, a package) is left to the report.
 */
export const modulePathFixer: Fixer = {
  name: 'module-path',
  async propose(context) {
    const proposals: FixProposal[] = [];
    for (const missing of findMissingModules(context.output, context.sandbox.workdir).slice(0, 4)) {
      const source = await context.workspace.readIfExists(missing.file);
      const imported = source === null ? undefined : importedNames(source, missing.specifier);
      if (!imported) continue;
      for (const target of (await candidates(context, missing, imported.names)).slice(0, 2)) {
        const spec = respecify(missing.file, target, missing.specifier);
        if (spec === missing.specifier) continue;
        const quote = imported.quoted[0]!;
        proposals.push({
          fixer: 'module-path',
          description: `import ${missing.specifier} as ${spec} in ${missing.file} (${missing.text}; ${target} exports ${imported.names.length > 0 ? imported.names.join(', ') : 'it'})`,
          key: `module-path:${missing.file}:${missing.specifier}:${spec}`,
          resolves: missing.text,
          apply: async () => {
            const text = await context.workspace.read(missing.file);
            await context.workspace.write(
              missing.file,
              text.split(imported.quoted).join(`${quote}${spec}${quote}`),
            );
            return [missing.file];
          },
        });
      }
    }
    return proposals;
  },
};
