import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import ts from 'typescript';
import { FixerMemo } from './memo.js';
import { languageService, parseProject, WorkspaceMirror } from './ts-host.js';
import { workspacePath, type Fixer, type FixerContext, type FixProposal } from './types.js';

/** Cannot find name (2304), … Did you mean (2552), cannot find namespace (2503); no exported member (2305, 2724). */
const MISSING = new Set([2304, 2552, 2503]);
const WRONG_EXPORT = new Set([2305, 2724]);
const MAX_DIAGNOSTICS = 4;
const MAX_ROUNDS = 10;
const TEST_FILE = /(^|\/)(test|tests|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]sx?$/;

/** One compiler error as tsc, tsc --pretty, ts-jest or vitest's typecheck print it. */
export interface TsDiagnostic {
  file: string;
  line: number;
  column: number;
  code: number;
  message: string;
}

/** `src/a.ts(3,5): error TS2304: …` and the pretty `src/a.ts:3:5 - error TS2304: …`. */
export function findTsDiagnostics(output: string, workdir: string): TsDiagnostic[] {
  // eslint-disable-next-line no-control-regex
  const text = output.replace(/\x1b\[[0-9;]*m/g, '');
  const out: TsDiagnostic[] = [];
  const patterns = [
    /^\s*([^\s()][^():\n]*?\.[cm]?tsx?)\((\d+),(\d+)\): error TS(\d+): (.+)$/gm,
    /([^\s:'"()]+\.[cm]?tsx?):(\d+):(\d+) - error TS(\d+): (.+)$/gm,
  ];
  for (const re of patterns)
    for (const m of text.matchAll(re)) {
      const file = workspacePath(m[1], workdir);
      const code = Number(m[4]);
      if (!file || (!MISSING.has(code) && !WRONG_EXPORT.has(code))) continue;
      const d = { file, line: Number(m[2]), column: Number(m[3]), code, message: m[5]!.trim() };
      if (!out.some((o) => o.file === d.file && o.line === d.line && o.column === d.column)) out.push(d);
    }
  return out;
}

/** The tsconfig.json nearest to `file`, walking up to the root. */
function nearestTsconfig(mirror: WorkspaceMirror, file: string): string | undefined {
  for (let dir = posix.dirname(file); ; dir = posix.dirname(dir)) {
    const candidate = dir === '.' ? 'tsconfig.json' : `${dir}/tsconfig.json`;
    if (mirror.fileExists(mirror.abs(candidate))) return candidate;
    if (dir === '.') return undefined;
  }
}

/**
 * The service's edits, from the end. Insertions at one position come in reading order (`Money, ` then `type ` for
 * `import { Money, type Currency }`), so among equal starts the later one goes in first, as TypeScript applies them.
 */
function applyChanges(text: string, changes: readonly ts.TextChange[]): string {
  let out = text;
  const order = changes.map((c, i) => [c, i] as const);
  for (const [c] of order.sort(([a, i], [b, j]) => b.span.start - a.span.start || j - i))
    out = out.slice(0, c.span.start) + c.newText + out.slice(c.span.start + c.span.length);
  return out;
}

/** The file's text without the import specifier at `pos` (the whole declaration when it was the only one). */
function withoutSpecifier(
  text: string,
  file: string,
  pos: number,
): { text: string; name: string } | undefined {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || pos < statement.getStart() || pos > statement.getEnd())
      continue;
    const bindings = statement.importClause?.namedBindings;
    if (!bindings || !ts.isNamedImports(bindings)) return undefined;
    const element = bindings.elements.find((e) => pos >= e.getStart() && pos <= e.getEnd());
    if (!element) return undefined;
    const name = element.name.text;
    if (bindings.elements.length === 1 && !statement.importClause!.name) {
      let end = statement.getEnd();
      if (text[end] === '\n') end++;
      return { text: text.slice(0, statement.getFullStart()) + text.slice(end).replace(/^\n/, ''), name };
    }
    const kept = bindings.elements.filter((e) => e !== element).map((e) => e.getText());
    const replacement = kept.length > 0 ? `{ ${kept.join(', ')} }` : '{}';
    return { text: text.slice(0, bindings.getStart()) + replacement + text.slice(bindings.getEnd()), name };
  }
  return undefined;
}

interface Candidate {
  name: string;
  before: string;
  /** The file's text after the fix. */
  text: string;
  /** What was inserted, for the log: `import { clamp } from './clamp.js';`. */
  inserted: string;
  /** TypeScript's own name for the fix: `Add import from "./clamp.js"`. */
  action: string;
  rank: number[];
}

/** Repository module before node_modules, source before tests, then the nearest. */
function rankOf(
  mirror: WorkspaceMirror,
  options: ts.CompilerOptions,
  file: string,
  action: string,
): number[] {
  const spec = [...action.matchAll(/"([^"]+)"/g)].pop()?.[1];
  if (!spec) return [2, 0, 0];
  const host: ts.ModuleResolutionHost = {
    fileExists: (p) => mirror.fileExists(p),
    readFile: (p) => mirror.readFile(p),
    directoryExists: (p) => mirror.directoryExists(p),
    getDirectories: (p) => mirror.getDirectories(p),
  };
  const resolved = ts.resolveModuleName(spec, mirror.abs(file), options, host).resolvedModule;
  const target = resolved ? mirror.rel(resolved.resolvedFileName) : undefined;
  if (!resolved || target === undefined || resolved.isExternalLibraryImport) return [1, 0, 0];
  const distance = posix
    .relative(posix.dirname(file), posix.dirname(target))
    .split('/')
    .filter(Boolean).length;
  return [0, Number(TEST_FILE.test(target)), distance];
}

/** The quotes of the file's module specifiers, else the repository's, else the file's strings ('auto' says double). */
function quoteOf(mirror: WorkspaceMirror, text: string): 'single' | 'double' {
  const count = (t: string): [number, number] => {
    const quotes = [...t.matchAll(/^(?:import|export)\s[^'"\n]*?from\s+(['"])/gm)].map((m) => m[1]);
    return [quotes.filter((q) => q === "'").length, quotes.filter((q) => q === '"').length];
  };
  let [single, double] = count(text);
  if (single + double === 0)
    mirror.someRepositoryFile((f, t) => {
      if (!/\.[cm]?tsx?$/.test(f)) return false;
      const [s, d] = count(t);
      single += s;
      double += d;
      return single + double >= 20;
    });
  if (single + double === 0)
    for (const m of text.matchAll(/(['"])(?:(?!\1)[^\\\n]|\\.)*\1/g)) {
      if (m[1] === '"') double++;
      else single++;
    }
  return double > single ? 'double' : 'single';
}

const compare = (a: number[], b: number[]): number => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

/**
 * The language service's own "Add import from …" fixes for a diagnostic. A missing named export (TS2305/2724) is
 * first taken out of its import, so the name becomes one to import from the module that has it.
 */
async function candidatesFor(
  mirror: WorkspaceMirror,
  registry: ts.DocumentRegistry,
  d: TsDiagnostic,
): Promise<Candidate[]> {
  const tsconfig = nearestTsconfig(mirror, d.file);
  const project = tsconfig
    ? parseProject(mirror, tsconfig)
    : { options: { allowJs: true, module: ts.ModuleKind.NodeNext }, fileNames: [], errors: [] };
  const absFile = mirror.abs(d.file);
  if (!project.fileNames.includes(absFile)) project.fileNames = [...project.fileNames, absFile];
  const original = mirror.readFile(absFile);
  if (original === undefined) return [];
  const lines = original.split('\n');
  const pos = lines.slice(0, d.line - 1).reduce((n, l) => n + l.length + 1, 0) + d.column - 1;
  let text = original;
  let name = /'(\w+)'/.exec(d.message)?.[1];
  if (WRONG_EXPORT.has(d.code)) {
    const removed = withoutSpecifier(original, d.file, pos);
    if (!removed) return [];
    ({ text, name } = removed);
    mirror.override(d.file, text);
  }
  // `import type` where the repository writes them (the service decides alone under verbatimModuleSyntax)
  const usesTypeImports = mirror.someRepositoryFile(
    (f, t) => /\.[cm]?tsx?$/.test(f) && /^import\s+type\s/m.test(t),
  );
  const newline = original.includes('\r\n') ? '\r\n' : '\n';
  let fixes: readonly ts.CodeFixAction[] = [];
  try {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const service = languageService(mirror, project, registry);
      const diagnostics = service
        .getSemanticDiagnostics(absFile)
        .filter((x) => MISSING.has(x.code) && x.start !== undefined);
      const at =
        diagnostics.find((x) => text === original && x.start === pos) ??
        diagnostics.find((x) => ts.flattenDiagnosticMessageText(x.messageText, '\n').includes(`'${name}'`));
      fixes = at
        ? service.getCodeFixesAtPosition(
            absFile,
            at.start!,
            at.start! + at.length!,
            [at.code],
            { ...ts.getDefaultFormatCodeSettings(newline), semicolons: ts.SemicolonPreference.Ignore },
            {
              quotePreference: quoteOf(mirror, original),
              importModuleSpecifierEnding: 'auto',
              preferTypeOnlyAutoImports: usesTypeImports,
            },
          )
        : [];
      service.dispose();
      if (!(await mirror.fill())) break;
    }
  } finally {
    mirror.override(d.file, undefined);
  }
  const out: Candidate[] = [];
  for (const fix of fixes) {
    if (fix.fixName !== 'import') continue;
    const change = fix.changes.find((c) => c.fileName === absFile);
    if (!change || fix.changes.length !== 1) continue;
    const after = applyChanges(text, change.textChanges);
    const inserted = change.textChanges
      .map((c) => c.newText.trim())
      .filter(Boolean)
      .join(' ');
    out.push({
      name: name ?? '',
      before: original,
      text: after,
      inserted: inserted || fix.description,
      action: fix.description,
      rank: rankOf(mirror, project.options, d.file, fix.description),
    });
  }
  return out.sort((a, b) => compare(a.rank, b.rank));
}

/** `file:name` pairs the language service answered this run: the JS text fixer leaves them to it. */
export function tsAnswered(memo: FixerMemo): Promise<Set<string>> {
  return memo.get('ts-answered', async () => new Set<string>());
}

/**
 * TypeScript's missing names and missing named exports (tsc, ts-jest, vitest typecheck): the compiler's own
 * "add missing import" code fix through a language service over the repository's tsconfig, which knows `paths`,
 * NodeNext `.js` specifiers, type-only imports, the file's import block, quotes and prologue.
 */
export const tsImportFixer: Fixer = {
  name: 'ts-import',
  async propose(context: FixerContext) {
    const diagnostics = findTsDiagnostics(context.output, context.sandbox.workdir).slice(0, MAX_DIAGNOSTICS);
    if (diagnostics.length === 0) return [];
    const mirror = await WorkspaceMirror.load(context.workspace);
    // parsed files (the compiler's lib files above all) are kept for the run, keyed by their text's hash
    const memo = context.memo ?? new FixerMemo();
    const answered = await tsAnswered(memo);
    const registry = await memo.get('ts-registry', async () => ts.createDocumentRegistry(true, mirror.root));
    const proposals: FixProposal[] = [];
    const asked = new Set<string>();
    for (const d of diagnostics) {
      const name = /'(\w+)'/.exec(d.message)?.[1];
      if (asked.has(`${d.file}:${d.code}:${name}`)) continue;
      asked.add(`${d.file}:${d.code}:${name}`);
      const found = await candidatesFor(mirror, registry, d);
      if (found.length > 0 && name) answered.add(`${d.file}:${name}`);
      const alternatives = found.map((c) => c.action);
      for (const c of found.slice(0, 2)) {
        // the file's text is part of the identity: the same import is a new proposal once another fix changed it
        const key = `ts:${d.file}:${createHash('sha1').update(c.before).digest('hex').slice(0, 10)}:${c.inserted}`;
        if (proposals.some((p) => p.key === key)) continue;
        const others = alternatives.filter((a) => a !== c.action);
        proposals.push({
          fixer: 'ts-import',
          description:
            `${WRONG_EXPORT.has(d.code) ? `move \`${c.name}\` to ` : 'add '}` +
            `${c.inserted.startsWith('import') ? `\`${c.inserted}\`` : c.action} in ${d.file} ` +
            `(TS${d.code} ${d.message.replace(/\.$/, '')}; TypeScript's fix "${c.action}"` +
            `${others.length > 0 ? `; alternatives: ${others.join(', ')}` : ''})`,
          key,
          resolves: d.message.replace(/\.$/, ''),
          apply: async () => {
            if ((await context.workspace.read(d.file)) !== c.before)
              throw new Error(`${d.file} changed since the fix was computed`);
            await context.workspace.write(d.file, c.text);
            return [d.file];
          },
        });
      }
    }
    return proposals;
  },
};
