import { builtinModules } from 'node:module';
import { dirname, posix } from 'node:path';
import { findJsProblems, JS_FILE, type MissingName, type WrongExport } from './js-errors.js';
import { moduleExports } from './js-exports.js';
import { importStatement, insertJsImport, styleOf, type JsStyle } from './js-insert.js';
import { tsAnswered } from './ts-import.js';
import type { Fixer, FixerContext, FixProposal } from './types.js';

/** Node builtins bound under another identifier than their module name. */
const NODE_ALIASES: Record<string, string> = { childProcess: 'child_process', fsp: 'fs/promises' };

/** Named exports of Node builtins that code often uses bare. */
const NODE_NAMED: Record<string, string> = Object.fromEntries(
  Object.entries({
    'node:fs':
      'readFileSync writeFileSync existsSync mkdirSync readdirSync statSync createReadStream createWriteStream',
    'node:fs/promises': 'readFile writeFile mkdir readdir stat rm',
    'node:path': 'join resolve dirname basename extname relative',
    'node:crypto': 'createHash randomUUID randomBytes createHmac',
    'node:util': 'promisify inspect isDeepStrictEqual',
    'node:events': 'EventEmitter once',
    'node:url': 'fileURLToPath pathToFileURL',
    'node:child_process': 'execSync execFileSync spawn spawnSync execFile',
    'node:os': 'tmpdir homedir EOL',
    'node:assert': 'strict deepStrictEqual',
  }).flatMap(([module, names]) => names.split(' ').map((n) => [n, module])),
);

/** Compiled output and tests: never the place a name should be imported from. */
const NOT_A_SOURCE = /(^|\/)(dist|build|out|lib-cov|coverage|\.next)\/|\.d\.[cm]?ts$|\.min\.js$/;
const TEST_FILE = /(^|\/)(test|tests|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

interface Exporter {
  file: string;
  kind: 'named' | 'default' | 'namespace';
  /** Re-exports it from another module (an index file) rather than defining it. */
  reexport: boolean;
}

async function sources(context: FixerContext): Promise<string[]> {
  return (await context.workspace.list('.')).filter(
    (f) => JS_FILE.test(f) && !NOT_A_SOURCE.test(f) && !TEST_FILE.test(f),
  );
}

/** Files of the repository that export `name`, definitions first, nearest to `from` first. */
async function exportersOf(context: FixerContext, name: string, from: string): Promise<Exporter[]> {
  const ts = /\.[cm]?tsx?$/.test(from);
  const found: Exporter[] = [];
  const stars: Array<{ file: string; specifiers: string[] }> = [];
  const attributeUse = new RegExp(`(?<![\\w.])${name}\\.\\w`).test(
    (await context.workspace.readIfExists(from)) ?? '',
  );
  for (const file of await sources(context)) {
    if (file === from) continue;
    const text = await context.workspace.readIfExists(file);
    if (!text) continue;
    const base = posix.basename(file).replace(/\.[^.]+$/, '');
    const star = /^export\s+\*\s+from\s/m.test(text);
    if (!text.includes(name) && !star && !(attributeUse && base === name)) continue;
    const exp = moduleExports(text);
    if (exp.named.has(name)) {
      // `export { fmt as formatDuration }` defines the name when the module declares `fmt` itself
      const local = exp.locals.get(name) ?? name;
      const defined = new RegExp(
        `^export\\s+(?:declare\\s+)?(?:async\\s+)?(?:function\\*?|const|let|var|class|abstract\\s+class|interface|type|enum)\\s+${name}\\b|^(?:module\\.)?exports\\.${name}\\s*=|^(?:async\\s+)?(?:function\\*?|const|let|var|class)\\s+${local}\\b`,
        'm',
      ).test(text);
      found.push({ file, kind: 'named', reexport: !defined });
    } else if (exp.defaultName === name) found.push({ file, kind: 'default', reexport: false });
    else if (exp.reexports.some((r) => r.names !== '*' && r.names.includes(name)))
      found.push({ file, kind: 'named', reexport: true });
    else if (exp.reexports.some((r) => r.names === '*'))
      // `export * from './x.js'` passes the name on only if ./x.js has it: checked below, once all are found
      stars.push({ file, specifiers: exp.reexports.filter((r) => r.names === '*').map((r) => r.specifier) });
    else if (attributeUse && base === name && (exp.named.size > 0 || exp.defaultName))
      found.push({ file, kind: exp.commonjs ? 'default' : 'namespace', reexport: false });
  }
  // an index with `export * from` chains: each pass admits the ones that point at a file already found
  for (let pass = 0; pass < 3; pass++) {
    const known = new Set(found.map((e) => e.file));
    for (const star of stars.filter((s) => !known.has(s.file))) {
      const targets = star.specifiers.flatMap((spec) => [...resolvedFiles(star.file, [spec], known)]);
      if (targets.length > 0) found.push({ file: star.file, kind: 'named', reexport: true });
    }
  }
  const distance = (f: string): number =>
    posix.relative(dirname(from), dirname(f)).split('/').filter(Boolean).length;
  const lang = (f: string): number => Number(ts !== /\.[cm]?tsx?$/.test(f));
  const direct = found.filter((e) => !e.reexport);
  return found
    .filter((e) => !e.reexport || direct.length > 0)
    .sort(
      (a, b) =>
        Number(a.reexport) - Number(b.reexport) ||
        lang(a.file) - lang(b.file) ||
        distance(a.file) - distance(b.file),
    );
}

/** The specifier `from` uses for `target`: relative, with or without the extension as the file's imports do. */
async function specifierFor(
  context: FixerContext,
  from: string,
  target: string,
  source: string,
  style: JsStyle,
): Promise<string> {
  let spec = posix.relative(dirname(from), target);
  if (!spec.startsWith('.')) spec = `./${spec}`;
  const relative = [...source.matchAll(/(?:from\s+|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map(
    (m) => m[1]!,
  );
  let suffix: boolean;
  if (relative.length > 0) suffix = relative.some((s) => /\.[cm]?[jt]sx?$/.test(s));
  else if (!style.esm) suffix = false;
  else if (!/\.[cm]?tsx?$/.test(from)) suffix = true;
  else {
    // TypeScript with no relative import to copy: Node16/NodeNext resolution or an ESM package needs `.js`.
    const tsconfig = (await context.workspace.readIfExists('tsconfig.json').catch(() => null)) ?? '';
    const pkg = (await context.workspace.readIfExists('package.json').catch(() => null)) ?? '';
    suffix =
      /"module(?:Resolution)?"\s*:\s*"node(?:16|next)"/i.test(tsconfig) || /"type"\s*:\s*"module"/.test(pkg);
  }
  if (!suffix) return spec.replace(/\.[cm]?[jt]sx?$/, '').replace(/\/index$/, '');
  return spec.replace(/\.([cm]?)tsx?$/, '.$1js');
}

/** Which of `candidates` the relative specifiers of `source` (in `from`) resolve to. */
function importedFiles(from: string, source: string, candidates: ReadonlySet<string>): Set<string> {
  const specs = [...source.matchAll(/(?:from\s+|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return resolvedFiles(from, specs, candidates);
}

/** Which of `candidates` the relative specifiers `specs`, written in `from`, resolve to (`./x.js` → x.ts too). */
function resolvedFiles(from: string, specs: string[], candidates: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const spec of specs) {
    if (!spec.startsWith('.')) continue;
    const base = posix.normalize(posix.join(dirname(from), spec)).replace(/\.[cm]?[jt]sx?$/, '');
    for (const file of candidates) {
      const bare = file.replace(/\.[cm]?[jt]sx?$/, '');
      if (bare === base || bare === `${base}/index`) out.add(file);
    }
  }
  return out;
}

async function packageType(context: FixerContext): Promise<string | undefined> {
  const pkg = await context.workspace.readIfExists('package.json').catch(() => null);
  return pkg ? /"type"\s*:\s*"(\w+)"/.exec(pkg)?.[1] : undefined;
}

function insertProposal(
  context: FixerContext,
  missing: MissingName,
  statement: string,
  origin: string,
): FixProposal {
  const ws = context.workspace;
  return {
    fixer: 'js-import',
    description: `add \`${statement}\` to ${missing.file} (${missing.name} is not defined; ${origin})`,
    key: `js:${missing.file}:${statement}`,
    resolves: missing.text,
    apply: async () => {
      await ws.write(missing.file, insertJsImport(await ws.read(missing.file), statement));
      return [missing.file];
    },
  };
}

async function proposeMissing(missing: MissingName, context: FixerContext): Promise<FixProposal[]> {
  const source = await context.workspace.readIfExists(missing.file);
  if (source === null) return [];
  const style = styleOf(missing.file, source, await packageType(context));
  const statements: Array<[string, string]> = [];
  const builtin = NODE_ALIASES[missing.name] ?? missing.name;
  if (builtinModules.includes(builtin) && !builtin.startsWith('_')) {
    statements.push([
      importStatement(
        style,
        { name: missing.name, kind: style.esm ? 'namespace' : 'default' },
        `node:${builtin}`,
      ),
      'Node builtin',
    ]);
  } else if (NODE_NAMED[missing.name]) {
    statements.push([
      importStatement(style, { name: missing.name, kind: 'named' }, NODE_NAMED[missing.name]!),
      'Node builtin',
    ]);
  } else {
    const exporters = await exportersOf(context, missing.name, missing.file);
    // a module the file already imports from (an index that re-exports the name) before the defining file
    const imported = importedFiles(missing.file, source, new Set(exporters.map((e) => e.file)));
    exporters.sort((a, b) => Number(imported.has(b.file)) - Number(imported.has(a.file)));
    for (const exporter of exporters.slice(0, 2)) {
      const spec = await specifierFor(context, missing.file, exporter.file, source, style);
      statements.push([
        importStatement(style, { name: missing.name, kind: exporter.kind }, spec),
        `exported by ${exporter.file}`,
      ]);
    }
  }
  return statements
    .filter(([s]) => !source.includes(s))
    .map(([s, origin]) => insertProposal(context, missing, s, origin));
}

/** `import { x } from './a.js'` where ./a.js has no `x`: import it from the module that has it, or as the default. */
async function proposeWrongExport(problem: WrongExport, context: FixerContext): Promise<FixProposal[]> {
  const ws = context.workspace;
  const source = await ws.readIfExists(problem.file);
  if (source === null) return [];
  const esc = problem.specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const importRe = new RegExp(
    `^import\\s*\\{([^}]*\\b${problem.name}\\b[^}]*)\\}\\s*from\\s*(['"])${esc}\\2(;?)`,
    'm',
  );
  const m = importRe.exec(source);
  if (!m) return [];
  const names = m[1]!
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const others = names.filter((n) => n.split(/\s+as\s+/)[0] !== problem.name);
  const entry = names.find((n) => n.split(/\s+as\s+/)[0] === problem.name) ?? problem.name;
  const local = entry.split(/\s+as\s+/).pop()!;
  const style = styleOf(problem.file, source, await packageType(context));
  const proposals: FixProposal[] = [];
  const rest =
    others.length > 0 ? `import { ${others.join(', ')} } from ${m[2]}${problem.specifier}${m[2]}${m[3]}` : '';
  const target = posix.normalize(posix.join(dirname(problem.file), problem.specifier));
  const candidates = await exportersOf(context, problem.name, problem.file);
  for (const exporter of candidates.slice(0, 2)) {
    const spec =
      exporter.file.replace(/\.[cm]?[jt]sx?$/, '') === target.replace(/\.[cm]?[jt]sx?$/, '')
        ? problem.specifier
        : await specifierFor(context, problem.file, exporter.file, source, style);
    if (spec === problem.specifier && exporter.kind === 'named') continue;
    const binding =
      exporter.kind === 'named' && local !== problem.name
        ? `{ ${problem.name} as ${local} }`
        : exporter.kind === 'named'
          ? `{ ${problem.name} }`
          : local;
    const statement = `import ${binding} from ${m[2]}${spec}${m[2]}${m[3]}`;
    const replacement = [rest, statement].filter(Boolean).join('\n');
    proposals.push({
      fixer: 'js-import',
      description: `replace \`${m[0]}\` with \`${replacement.replace(/\n/g, ' ')}\` in ${problem.file} (${problem.specifier} has no export '${problem.name}'; ${exporter.kind === 'default' ? 'it is the default export of' : 'exported by'} ${exporter.file})`,
      key: `js-link:${problem.file}:${statement}`,
      resolves: problem.text,
      apply: async () => {
        await ws.write(problem.file, (await ws.read(problem.file)).replace(m[0], replacement));
        return [problem.file];
      },
    });
  }
  return proposals;
}

/**
 * JS/TS names used without an import (`ReferenceError`, TS2304/2552, ESM `Export 'x' is not defined`) and ESM link
 * errors (`does not provide an export named`): import the Node builtin or the repository module that exports the
 * name, in any CommonJS or ESM export form, in the file's own style and after its prologue.
 */
export const jsImportFixer: Fixer = {
  name: 'js-import',
  async propose(context) {
    const proposals: FixProposal[] = [];
    // names the TypeScript fixer (tried first) answered with the compiler's own fix: one test run each, not two
    const answered = context.memo ? await tsAnswered(context.memo) : new Set<string>();
    for (const problem of findJsProblems(context)) {
      if (problem.kind === 'missing' && answered.has(`${problem.file}:${problem.name}`)) continue;
      const found =
        problem.kind === 'missing'
          ? await proposeMissing(problem, context)
          : await proposeWrongExport(problem, context);
      for (const p of found) if (!proposals.some((q) => q.key === p.key)) proposals.push(p);
    }
    return proposals;
  },
};
