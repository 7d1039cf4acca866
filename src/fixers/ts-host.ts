import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import ts from 'typescript';
import type { Workspace } from '../tools/index.js';

/** Sources and configs the language service reads up front (not data: a repository's JSON fixtures can be many). */
const PRELOAD = /\.(?:[cm]?tsx?|[cm]?jsx?)$|(?:^|\/)(?:package|tsconfig[\w.-]*|jsconfig)\.json$/;
const MAX_PRELOAD = 3000;
/** Files read from node_modules on demand, across all rounds. */
const MAX_DEPENDENCY_FILES = 800;
const LIB_DIR = dirname(ts.getDefaultLibFilePath({}));

/**
 * A synchronous view of the workspace for the TypeScript language service, which cannot wait on the sandbox's
 * (asynchronous) file API: the repository's sources are read once, files under node_modules when the compiler asks
 * for them. A question about a node_modules path not read yet is answered "missing" and remembered; `fill()` reads
 * what was asked and the caller asks the language service again, until it asks for nothing new.
 * The compiler's own lib files come from the host's typescript package.
 */
export class WorkspaceMirror {
  private readonly files = new Map<string, string | null>();
  private readonly dirs = new Map<string, string[] | null>();
  private readonly wantedFiles = new Set<string>();
  private readonly wantedDirs = new Set<string>();
  private readonly overrides = new Map<string, string>();
  private readonly hashes = new Map<string, { text: string; hash: string }>();
  private dependencyReads = 0;
  private repoDirs = new Set<string>();

  private constructor(
    /** The absolute root the language service sees (the workspace root as absolute paths name it). */
    readonly root: string,
    private readonly ws: Workspace,
  ) {}

  static async load(ws: Workspace): Promise<WorkspaceMirror> {
    const mirror = new WorkspaceMirror(ws.root.replace(/\/+$/, '') || '/', ws);
    const listed = (await ws.list('.')).filter((f) => PRELOAD.test(f)).slice(0, MAX_PRELOAD);
    for (const file of listed) {
      mirror.files.set(file, await ws.readIfExists(file).catch(() => null));
      for (let d = posix.dirname(file); d !== '.'; d = posix.dirname(d)) mirror.repoDirs.add(d);
    }
    return mirror;
  }

  /** Whether a repository file (not a dependency) satisfies `test`. */
  someRepositoryFile(test: (path: string, text: string) => boolean): boolean {
    for (const [path, text] of this.files)
      if (text !== null && !WorkspaceMirror.dependency(path) && test(path, text)) return true;
    return false;
  }

  /** Text the service sees for a file instead of the workspace's (a planned edit, to ask about its result). */
  override(rel: string, text: string | undefined): void {
    if (text === undefined) this.overrides.delete(rel);
    else this.overrides.set(rel, text);
  }

  /** The workspace path of an absolute path under the root, or undefined outside it. */
  rel(path: string): string | undefined {
    if (path === this.root) return '.';
    if (!path.startsWith(`${this.root}/`)) return undefined;
    return posix.normalize(path.slice(this.root.length + 1));
  }

  abs(rel: string): string {
    return posix.join(this.root, rel);
  }

  private static dependency(rel: string): boolean {
    return rel === 'node_modules' || rel.startsWith('node_modules/') || rel.includes('/node_modules/');
  }

  readFile(path: string): string | undefined {
    if (path.startsWith(`${LIB_DIR}/`)) {
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    }
    const rel = this.rel(path);
    if (rel === undefined) return undefined;
    const override = this.overrides.get(rel);
    if (override !== undefined) return override;
    const known = this.files.get(rel);
    if (known !== undefined) return known ?? undefined;
    if (WorkspaceMirror.dependency(rel)) this.wantedFiles.add(rel);
    return undefined;
  }

  /** The script version the language service compares: a hash of the text, so a shared registry never goes stale. */
  version(path: string): string {
    const text = this.readFile(path);
    if (text === undefined) return '';
    const known = this.hashes.get(path);
    if (known && known.text === text) return known.hash;
    const hash = createHash('sha1').update(text).digest('hex');
    this.hashes.set(path, { text, hash });
    return hash;
  }

  fileExists(path: string): boolean {
    return this.readFile(path) !== undefined;
  }

  private listing(path: string): string[] | undefined {
    const rel = this.rel(path);
    if (rel === undefined) return undefined;
    if (!WorkspaceMirror.dependency(rel)) {
      if (rel !== '.' && !this.repoDirs.has(rel)) return undefined;
      const prefix = rel === '.' ? '' : `${rel}/`;
      const children = new Set<string>();
      for (const d of this.repoDirs)
        if (d.startsWith(prefix) && !d.slice(prefix.length).includes('/'))
          children.add(d.slice(prefix.length));
      return [...children];
    }
    const known = this.dirs.get(rel);
    if (known !== undefined) return known ?? undefined;
    this.wantedDirs.add(rel);
    return undefined;
  }

  directoryExists(path: string): boolean {
    if (path === LIB_DIR || path.startsWith(`${LIB_DIR}/`)) return true;
    return this.listing(path) !== undefined;
  }

  getDirectories(path: string): string[] {
    return this.listing(path) ?? [];
  }

  /** The repository files (not dependencies) under `dir` with one of the extensions, for tsconfig `include`. */
  repositoryFiles(dir: string, extensions: readonly string[]): string[] {
    const rel = this.rel(dir);
    if (rel === undefined) return [];
    const prefix = rel === '.' ? '' : `${rel}/`;
    return [...this.files.keys()]
      .filter((f) => f.startsWith(prefix) && !WorkspaceMirror.dependency(f))
      .filter((f) => extensions.some((e) => f.endsWith(e)))
      .map((f) => this.abs(f));
  }

  /** Reads what the language service asked for and did not have; false when it asked for nothing new. */
  async fill(): Promise<boolean> {
    const files = [...this.wantedFiles];
    const dirs = [...this.wantedDirs];
    this.wantedFiles.clear();
    this.wantedDirs.clear();
    if (files.length === 0 && dirs.length === 0) return false;
    for (const rel of files) {
      if (this.dependencyReads >= MAX_DEPENDENCY_FILES) {
        this.files.set(rel, null);
        continue;
      }
      this.dependencyReads++;
      this.files.set(rel, await this.ws.readIfExists(rel).catch(() => null));
    }
    for (const rel of dirs) {
      const found = await this.ws.list(rel, { maxDepth: 1 }).catch(() => []);
      const names = new Set<string>();
      for (const f of found) {
        const rest = f.slice(rel.length + 1).split('/');
        if (rest.length > 1) names.add(rest[0]!);
      }
      this.dirs.set(rel, found.length > 0 ? [...names] : null);
    }
    return true;
  }
}

/** A tsconfig `include`/`exclude` entry as a regular expression over absolute paths (`*`, `?`, `**\/`). */
function globRegex(base: string, spec: string, exclude: boolean): RegExp {
  let path = posix.resolve(base, spec);
  const last = path.split('/').pop() ?? '';
  const literalDir = !/[*?]/.test(last) && !/\.[\w]+$/.test(last);
  if (literalDir && !exclude) path += '/**/*';
  const body = path
    .split(/(\*\*\/|\*|\?)/)
    .map((part) =>
      part === '**/'
        ? '(?:[^/]+/)*'
        : part === '*'
          ? '[^/]*'
          : part === '?'
            ? '[^/]'
            : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}${exclude ? '(?:$|/)' : '$'}`);
}

/** The tsconfig's compiler options and files as the language service sees them through the mirror. */
export function parseProject(mirror: WorkspaceMirror, tsconfig: string): ts.ParsedCommandLine {
  const configPath = mirror.abs(tsconfig);
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: true,
    fileExists: (p) => mirror.fileExists(p),
    readFile: (p) => mirror.readFile(p),
    readDirectory: (root, extensions, excludes, includes) => {
      const base = posix.resolve(mirror.root, root);
      const inc = (includes ?? ['**/*']).map((s) => globRegex(base, s, false));
      const exc = (excludes ?? []).map((s) => globRegex(base, s, true));
      return mirror
        .repositoryFiles(base, extensions ?? [''])
        .filter((f) => inc.some((r) => r.test(f)) && !exc.some((r) => r.test(f)));
    },
  };
  const read = ts.readConfigFile(configPath, (p) => mirror.readFile(p));
  return ts.parseJsonConfigFileContent(
    read.config ?? {},
    host,
    posix.dirname(configPath),
    undefined,
    configPath,
  );
}

/** A language service over the mirror (one per question: the mirror may have grown since the last). */
export function languageService(
  mirror: WorkspaceMirror,
  project: ts.ParsedCommandLine,
  registry: ts.DocumentRegistry,
): ts.LanguageService {
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => project.fileNames,
    getScriptVersion: (f) => mirror.version(f),
    getScriptSnapshot: (f) => {
      const text = mirror.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => mirror.root,
    getCompilationSettings: () => project.options,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (p) => mirror.fileExists(p),
    readFile: (p) => mirror.readFile(p),
    directoryExists: (p) => mirror.directoryExists(p),
    getDirectories: (p) => mirror.getDirectories(p),
    realpath: (p) => p,
    useCaseSensitiveFileNames: () => true,
  };
  return ts.createLanguageService(host, registry);
}
