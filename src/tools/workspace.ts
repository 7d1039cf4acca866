import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';

/** A path the agent asked for that is outside the workspace, or otherwise unusable. */
export class WorkspacePathError extends Error {
  override name = 'WorkspacePathError';
}

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

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Host-side view of the job's workspace directory. Every path is confined to the root: absolute paths, `..` and
 * symlinks that lead out of it are refused. Every write is recorded, so a write-back or commit holds only the edits
 * made through this object (tools and fixers), never files the repository's own code wrote while tests ran.
 */
export class Workspace {
  private readonly records = new Map<string, { original: string | null; current: string | null }>();

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<Workspace> {
    return new Workspace(await realpath(root));
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

  /** The real host path of a workspace path, after checking no symlink on the way leads outside the root. */
  async resolve(path: string): Promise<string> {
    const rel = this.normalize(path);
    let current = this.root;
    const parts = rel === '.' ? [] : rel.split('/');
    for (let i = 0; i < parts.length; i++) {
      const next = join(current, parts[i]!);
      let stat;
      try {
        stat = await lstat(next);
      } catch {
        return join(next, ...parts.slice(i + 1)); // the rest does not exist yet: nothing to follow
      }
      if (stat.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(next);
        } catch {
          throw new WorkspacePathError(`${rel} goes through a broken symlink`);
        }
        if (!isInside(this.root, target)) {
          throw new WorkspacePathError(`${rel} goes through a symlink that leads outside the workspace`);
        }
        current = target;
      } else {
        current = next;
      }
    }
    return current;
  }

  async exists(path: string): Promise<boolean> {
    try {
      await lstat(await this.resolve(path));
      return true;
    } catch (error) {
      if (error instanceof WorkspacePathError) throw error;
      return false;
    }
  }

  async read(path: string): Promise<string> {
    const rel = this.normalize(path);
    const real = await this.resolve(rel);
    let handle;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new WorkspacePathError(`${rel} does not exist`);
      if (code === 'EISDIR') throw new WorkspacePathError(`${rel} is a directory; use list_files`);
      throw new WorkspacePathError(`${rel} cannot be read (${code ?? 'error'})`);
    }
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw new WorkspacePathError(`${rel} is a directory; use list_files`);
      if (stat.size > MAX_FILE_BYTES)
        throw new WorkspacePathError(`${rel} is too large (${stat.size} bytes)`);
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  }

  /** Reads a file, or `null` when it does not exist (paths outside the workspace still throw). */
  async readIfExists(path: string): Promise<string | null> {
    try {
      return await this.read(path);
    } catch (error) {
      if (error instanceof WorkspacePathError && /does not exist/.test(error.message)) return null;
      throw error;
    }
  }

  /** Writes a file (creating parent folders) and records the change. */
  async write(path: string, content: string): Promise<void> {
    const rel = this.normalize(path);
    const before = await this.readIfExists(rel);
    await this.writeRaw(rel, content);
    this.record(rel, before, content);
  }

  /** Deletes a file and records the deletion. */
  async remove(path: string): Promise<void> {
    const rel = this.normalize(path);
    const before = await this.readIfExists(rel);
    if (before === null) return;
    await rm(await this.resolve(rel), { force: true });
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
    const real = await this.resolve(rel);
    await mkdir(dirname(real), { recursive: true });
    // Re-check the parent after mkdir: a folder created above cannot be a symlink, but an existing one was checked.
    if (!isInside(this.root, await realpath(dirname(real)))) {
      throw new WorkspacePathError(`${rel} would be written outside the workspace`);
    }
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
    const handle = await open(real, flags, 0o644);
    try {
      await handle.writeFile(content, 'utf8');
    } finally {
      await handle.close();
    }
  }

  /** Files under a folder (recursive, sorted, ignoring dependency and cache folders), as workspace paths. */
  async list(path = '.', options: { maxEntries?: number; maxDepth?: number } = {}): Promise<string[]> {
    const start = this.normalize(path);
    const maxEntries = options.maxEntries ?? 5000;
    const maxDepth = options.maxDepth ?? 20;
    const out: string[] = [];
    const walk = async (rel: string, depth: number): Promise<void> => {
      if (out.length >= maxEntries || depth > maxDepth) return;
      const real = await this.resolve(rel);
      let entries;
      try {
        entries = await readdir(real, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (out.length >= maxEntries) return;
        const child = rel === '.' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!IGNORED_DIRS.has(entry.name)) await walk(child, depth + 1);
        } else if (entry.isFile()) {
          out.push(child);
        }
        // symlinks are not followed when listing
      }
    };
    await walk(start, 0);
    return out;
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
      if (content === null) await rm(await this.resolve(path), { force: true });
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
