import { isAbsolute, normalize, relative, sep } from 'node:path';
import { SandboxFileError, type SandboxFiles } from '../sandbox/index.js';
import { WorkspacePathError } from './errors.js';
import { HostFiles } from './host-files.js';

export { WorkspacePathError };

/** One file's net change over the run: `null` means the file does not exist on that side. */
export interface FileEdit {
  path: string;
  before: string | null;
  after: string | null;
}

/** Opaque state of the recorded edits, to go back to after a rejected or unhelpful change. */
export interface Checkpoint {
  readonly entries: ReadonlyMap<string, { original: string | null; current: string | null }>;
}

/** Folders never listed, searched or snapshotted: dependencies, caches, VCS metadata, our own logs. */
export const IGNORED_DIRS = new Set([
  '.git',
  'node_modules',
  '.mimo',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.venv',
  'venv',
  '.tox',
  'coverage',
  '.nyc_output',
  'target',
]);

const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The same refusal, as the tools report it. */
function asPathError(error: unknown): unknown {
  return error instanceof SandboxFileError ? new WorkspacePathError(error.message) : error;
}

/**
 * The agent's view of a workspace: the sandbox's own (its files, read and written inside the sandbox through its
 * runner) or a host directory no sandbox process touches (write-back). Every path is confined to the root:
 * absolute paths, `..` and symlinks that lead out of it are refused. Every write is recorded, so a write-back or
 * commit holds only the edits made through this object (tools and fixers), never files the repository's own code
 * wrote while tests ran.
 */
export class Workspace {
  private readonly records = new Map<string, { original: string | null; current: string | null }>();

  private constructor(
    /** The root as absolute paths name it: the host directory, or the sandbox's workdir. */
    readonly root: string,
    private readonly files: SandboxFiles,
  ) {}

  /** A view of a host directory. */
  static async open(root: string): Promise<Workspace> {
    const files = await HostFiles.open(root);
    return new Workspace(files.root, files);
  }

  /** A view of the sandbox's own workspace. */
  static of(sandbox: SandboxFiles & { readonly workdir: string }): Workspace {
    return new Workspace(sandbox.workdir, sandbox);
  }

  /** Normalizes a workspace-relative path (`./a/../b.py` → `b.py`), refusing anything that leaves the root. */
  normalize(path: string): string {
    if (typeof path !== 'string' || path.trim() === '') throw new WorkspacePathError('the path is empty');
    if (path.includes('\0'))
      throw new WorkspacePathError(`the path ${JSON.stringify(path)} contains a NUL byte`);
    if (isAbsolute(path)) {
      const rel = relative(this.root, path);
      if (rel.startsWith('..') || isAbsolute(rel)) {
        throw new WorkspacePathError(
          `${path} is an absolute path outside the workspace; use a path relative to it`,
        );
      }
      path = rel === '' ? '.' : rel;
    }
    const clean = normalize(path).split(sep).join('/').replace(/\/+$/, '');
    if (clean === '..' || clean.startsWith('../')) {
      throw new WorkspacePathError(`${path} points outside the workspace ('..' is not allowed)`);
    }
    return clean === '' ? '.' : clean;
  }

  async exists(path: string): Promise<boolean> {
    try {
      return (await this.files.statFile(this.normalize(path))) !== 'missing';
    } catch (error) {
      throw asPathError(error);
    }
  }

  async read(path: string): Promise<string> {
    const rel = this.normalize(path);
    const content = await this.readIfExists(rel);
    if (content === null) throw new WorkspacePathError(`${rel} does not exist`);
    return content;
  }

  /** Reads a file, or `null` when it does not exist (paths outside the workspace still throw). */
  async readIfExists(path: string): Promise<string | null> {
    const rel = this.normalize(path);
    try {
      const bytes = await this.files.readFile(rel, { maxBytes: MAX_FILE_BYTES });
      return bytes === null ? null : bytes.toString('utf8');
    } catch (error) {
      throw asPathError(error);
    }
  }

  /**
   * Writes a file (creating parent folders) and records the change. `known.before` is the content the caller has
   * just read (null: absent), which saves reading it again (a runner round trip in the sandbox); nothing can change
   * the file in between, since no process of the sandbox outlives the command that started it.
   */
  async write(path: string, content: string, known?: { before: string | null }): Promise<void> {
    const rel = this.normalize(path);
    const before = known ? known.before : await this.readIfExists(rel);
    await this.writeRaw(rel, content);
    this.record(rel, before, content);
  }

  /** Deletes a file and records the deletion. */
  async remove(path: string): Promise<void> {
    const rel = this.normalize(path);
    const before = await this.readIfExists(rel);
    if (before === null) return;
    await this.files.removeFile(rel).catch((error: unknown) => {
      throw asPathError(error);
    });
    this.record(rel, before, null);
  }

  /** Records a change made by a command (e.g. `eslint --fix`) that the caller observed with `snapshot()`. */
  recordExternal(path: string, before: string | null, after: string | null): void {
    this.record(this.normalize(path), before, after);
  }

  private record(rel: string, before: string | null, after: string | null): void {
    const existing = this.records.get(rel);
    this.records.set(rel, { original: existing ? existing.original : before, current: after });
  }

  private async writeRaw(rel: string, content: string): Promise<void> {
    await this.files.writeFile(rel, content).catch((error: unknown) => {
      throw asPathError(error);
    });
  }

  /** Files under a folder (recursive, sorted, ignoring dependency and cache folders), as workspace paths. */
  async list(path = '.', options: { maxEntries?: number; maxDepth?: number } = {}): Promise<string[]> {
    const start = this.normalize(path);
    const files = await this.files
      .listFiles(start, { maxDepth: options.maxDepth ?? 20, ignore: IGNORED_DIRS })
      .catch((error: unknown) => {
        throw asPathError(error);
      });
    return files.slice(0, options.maxEntries ?? 5000);
  }

  /** Net changes recorded so far (files whose content differs from the start of the run). */
  edits(): FileEdit[] {
    const out: FileEdit[] = [];
    for (const [path, { original, current }] of [...this.records].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (original !== current) out.push({ path, before: original, after: current });
    }
    return out;
  }

  /** Content at the start of the run if the file was touched through this object, else `undefined`. */
  originalOf(path: string): string | null | undefined {
    return this.records.get(this.normalize(path))?.original;
  }

  changedFiles(): string[] {
    return this.edits().map((e) => e.path);
  }

  checkpoint(): Checkpoint {
    return { entries: new Map([...this.records].map(([k, v]) => [k, { ...v }])) };
  }

  /** Puts every recorded file back to its content at the checkpoint. */
  async restore(checkpoint: Checkpoint): Promise<void> {
    for (const path of new Set([...this.records.keys(), ...checkpoint.entries.keys()])) {
      const target = checkpoint.entries.get(path);
      const content = target ? target.current : this.records.get(path)!.original;
      if (content === null) await this.files.removeFile(path);
      else await this.writeRaw(path, content);
      if (target) this.records.set(path, { ...target });
      else this.records.delete(path);
    }
  }

  /** Contents of every listed file, to compare before and after a command that edits files itself. */
  async snapshot(): Promise<Map<string, string>> {
    const files = await this.list('.');
    const map = new Map<string, string>();
    for (const file of files) {
      const content = await this.readIfExists(file).catch(() => null);
      if (content !== null) map.set(file, content);
    }
    return map;
  }

  /** Records the differences between two snapshots as edits; returns the changed paths. */
  recordSnapshotDiff(before: Map<string, string>, after: Map<string, string>): string[] {
    const changed: string[] = [];
    for (const path of new Set([...before.keys(), ...after.keys()])) {
      const a = before.get(path) ?? null;
      const b = after.get(path) ?? null;
      if (a !== b) {
        this.record(path, a, b);
        changed.push(path);
      }
    }
    return changed.sort();
  }
}
