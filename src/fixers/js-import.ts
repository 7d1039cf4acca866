import { dirname, posix } from 'node:path';
import { workspacePath, type Fixer, type FixerContext, type FixProposal } from './types.js';

/** Node builtin modules by the identifier code usually binds them to. */
const NODE_MODULES: Record<string, string> = {
  fs: 'node:fs',
  path: 'node:path',
  os: 'node:os',
  crypto: 'node:crypto',
  util: 'node:util',
  assert: 'node:assert',
  http: 'node:http',
  https: 'node:https',
  url: 'node:url',
  events: 'node:events',
  stream: 'node:stream',
  zlib: 'node:zlib',
  childProcess: 'node:child_process',
  readline: 'node:readline',
};

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

const JS_FILE = /\.(?:[cm]?[jt]sx?)$/;
/** Compiled output: never the place a name should be imported from. */
const BUILD_OUTPUT = /(^|\/)(dist|build|out|\.next)\//;

interface Missing {
  name: string;
  file: string;
  /** The error text naming it, which the fix should make disappear. */
  text: string;
}

function findMissing(context: FixerContext): Missing[] {
  const workdir = context.sandbox.workdir;
  const out: Missing[] = [];
  const add = (name: string, file: string | undefined, text: string): void => {
    const rel = workspacePath(file, workdir);
    if (rel && JS_FILE.test(rel) && !out.some((m) => m.name === name && m.file === rel))
      out.push({ name, file: rel, text });
  };
  for (const f of context.report.failures) {
    const text = `${f.kind}: ${f.message}`;
    const m = /ReferenceError: (\w+) is not defined/.exec(text) ?? /Cannot find name '(\w+)'/.exec(text);
    if (m) add(m[1]!, f.file, m[0]);
  }
  // tsc: src/a.ts(3,5): error TS2304: Cannot find name 'x'.  Node: ReferenceError with a stack frame below it.
  for (const m of context.output.matchAll(
    /^([\w./@-]+\.[cm]?[jt]sx?)\(\d+,\d+\): error TS2304: Cannot find name '(\w+)'/gm,
  )) {
    add(m[2]!, m[1], `Cannot find name '${m[2]}'`);
  }
  const lines = context.output.split('\n');
  lines.forEach((line, i) => {
    const m = /ReferenceError: (\w+) is not defined/.exec(line);
    if (!m) return;
    for (const next of lines.slice(i + 1, i + 15)) {
      const frame = /\(?(?:file:\/\/)?([^\s()]+\.[cm]?[jt]sx?):\d+:\d+\)?/.exec(next);
      if (frame && !frame[1]!.includes('node_modules') && !frame[1]!.startsWith('node:')) {
        add(m[1]!, frame[1], m[0]);
        break;
      }
    }
  });
  return out;
}

/** How the file imports: ESM or CommonJS, and whether relative specifiers carry `.js`. */
async function importStyle(
  context: FixerContext,
  path: string,
  source: string,
): Promise<{ esm: boolean; jsSuffix: boolean }> {
  const esm = /\.(mjs|mts|ts|tsx)$/.test(path) || /^\s*(import|export)\s/m.test(source);
  const relative = [...source.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  if (relative.length > 0) return { esm, jsSuffix: relative.some((s) => /\.[cm]?js$/.test(s)) };
  if (!/\.[cm]?tsx?$/.test(path)) return { esm, jsSuffix: true };
  // TypeScript with no relative import to copy: Node16/NodeNext resolution or an ESM package needs `.js`.
  const tsconfig = (await context.workspace.readIfExists('tsconfig.json').catch(() => null)) ?? '';
  const pkg = (await context.workspace.readIfExists('package.json').catch(() => null)) ?? '';
  const jsSuffix =
    /"module(?:Resolution)?"\s*:\s*"node(?:16|next)"/i.test(tsconfig) || /"type"\s*:\s*"module"/.test(pkg);
  return { esm, jsSuffix };
}

function importLine(name: string, specifier: string, named: boolean, esm: boolean): string {
  if (esm)
    return named ? `import { ${name} } from '${specifier}';` : `import * as ${name} from '${specifier}';`;
  return named ? `const { ${name} } = require('${specifier}');` : `const ${name} = require('${specifier}');`;
}

/** Inserts after the last top-of-file import/require (after a shebang and 'use strict'). */
export function insertJsImport(source: string, statement: string): string {
  const lines = source.split('\n');
  let at = 0;
  if (lines[0]?.startsWith('#!')) at = 1;
  if (/^['"]use strict['"]/.test(lines[at] ?? '')) at++;
  for (let i = at; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^import\s/.test(line) || /^(const|let|var)\s.*=\s*require\(/.test(line)) {
      at = i + 1;
      if (/^import\s*\{?\s*$/.test(line) || (/^import\s*\{/.test(line) && !line.includes('}'))) {
        while (i < lines.length && !/from\s+['"]/.test(lines[i]!)) i++;
        at = i + 1;
      }
    } else if (line.trim() !== '' && !/^\s*(\/\/|\/\*|\*)/.test(line)) break;
  }
  const first = !lines.slice(0, at).some((l) => /^import\s|require\(/.test(l));
  lines.splice(at, 0, ...(first && (lines[at] ?? '').trim() !== '' ? [statement, ''] : [statement]));
  return lines.join('\n');
}

const EXPORT_RE = (name: string): RegExp[] => [
  new RegExp(
    `^export\\s+(?:default\\s+)?(?:async\\s+)?(?:function\\*?|const|let|var|class|interface|type|enum)\\s+${name}\\b`,
    'm',
  ),
  new RegExp(`^export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`, 'm'),
  new RegExp(`^(?:module\\.)?exports\\.${name}\\s*=`, 'm'),
  new RegExp(`^module\\.exports\\s*=\\s*\\{[^}]*\\b${name}\\b`, 'm'),
];

async function repoExporter(
  context: FixerContext,
  name: string,
  exclude: string,
): Promise<string | undefined> {
  const ts = /\.[cm]?tsx?$/.test(exclude);
  const files = (await context.workspace.list('.'))
    .filter((f) => JS_FILE.test(f) && f !== exclude && !/\.d\.ts$/.test(f) && !BUILD_OUTPUT.test(f))
    // a TypeScript file imports from TypeScript sources first
    .sort((a, b) => Number(ts && !/\.[cm]?tsx?$/.test(a)) - Number(ts && !/\.[cm]?tsx?$/.test(b)));
  for (const file of files) {
    if (/(^|\/)(test|tests|__tests__)\/|\.(test|spec)\./.test(file)) continue;
    const source = await context.workspace.readIfExists(file);
    if (source && EXPORT_RE(name).some((re) => re.test(source))) return file;
  }
  return undefined;
}

async function proposeFor(missing: Missing, context: FixerContext): Promise<FixProposal | undefined> {
  const ws = context.workspace;
  const source = await ws.readIfExists(missing.file);
  if (source === null) return undefined;
  const style = await importStyle(context, missing.file, source);
  let statement: string | undefined;
  let origin: string;
  if (NODE_MODULES[missing.name]) {
    statement = importLine(missing.name, NODE_MODULES[missing.name]!, false, style.esm);
    origin = 'Node builtin';
  } else if (NODE_NAMED[missing.name]) {
    statement = importLine(missing.name, NODE_NAMED[missing.name]!, true, style.esm);
    origin = 'Node builtin';
  } else {
    const exporter = await repoExporter(context, missing.name, missing.file);
    if (!exporter) return undefined;
    let specifier = posix.relative(dirname(missing.file), exporter);
    if (!specifier.startsWith('.')) specifier = `./${specifier}`;
    specifier = style.jsSuffix
      ? specifier.replace(/\.([cm]?)tsx?$/, '.$1js')
      : specifier.replace(/\.[cm]?[jt]sx?$/, '');
    const isDefault = new RegExp(
      `^export\\s+default\\s+(?:async\\s+)?(?:function|class)\\s+${missing.name}\\b`,
      'm',
    ).test((await ws.readIfExists(exporter)) ?? '');
    statement = style.esm
      ? isDefault
        ? `import ${missing.name} from '${specifier}';`
        : `import { ${missing.name} } from '${specifier}';`
      : `const { ${missing.name} } = require('${specifier}');`;
    origin = `exported by ${exporter}`;
  }
  if (source.includes(statement)) return undefined;
  return {
    fixer: 'js-import',
    description: `add \`${statement}\` to ${missing.file} (${missing.name} is not defined; ${origin})`,
    key: `js:${missing.file}:${statement}`,
    resolves: missing.text,
    apply: async () => {
      await ws.write(missing.file, insertJsImport(await ws.read(missing.file), statement!));
      return [missing.file];
    },
  };
}

/** JS/TS `ReferenceError` / TS2304: import the Node builtin or the repository module that exports the name. */
export const jsImportFixer: Fixer = {
  name: 'js-import',
  async propose(context) {
    const proposals: FixProposal[] = [];
    for (const missing of findMissing(context)) {
      const p = await proposeFor(missing, context);
      if (p && !proposals.some((q) => q.key === p.key)) proposals.push(p);
    }
    return proposals;
  },
};
