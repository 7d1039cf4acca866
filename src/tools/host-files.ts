import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import type { FileKind, SandboxFiles } from '../sandbox/index.js';
import { WorkspacePathError } from './errors.js';

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * File operations on a host directory that no sandbox process can touch (the user's repository for write-back,
 * a job's clone, test fixtures): a static symlink that leads out of the root is refused, and the last component
 * is opened with O_NOFOLLOW. Paths are workspace-relative and already normalized by Workspace.
 */
export class HostFiles implements SandboxFiles {
  private constructor(readonly root: string) {}

  static async open(root: string): Promise<HostFiles> {
    return new HostFiles(await realpath(root));
  }

  /** The real host path of a workspace path, after checking no symlink on the way leads outside the root. */
  private async resolve(rel: string): Promise<string> {
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

  async statFile(rel: string): Promise<FileKind> {
    try {
      const info = await lstat(await this.resolve(rel));
      if (info.isFile()) return 'file';
      if (info.isDirectory()) return 'dir';
      if (info.isSymbolicLink()) return 'symlink';
      return 'special';
    } catch (error) {
      if (error instanceof WorkspacePathError) throw error;
      return 'missing';
    }
  }

  async readFile(rel: string, options: { maxBytes?: number } = {}): Promise<Buffer | null> {
    const real = await this.resolve(rel);
    let handle;
    try {
      handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      if (code === 'EISDIR') throw new WorkspacePathError(`${rel} is a directory; use list_files`);
      throw new WorkspacePathError(`${rel} cannot be read (${code ?? 'error'})`);
    }
    try {
      const stat = await handle.stat();
      if (stat.isDirectory()) throw new WorkspacePathError(`${rel} is a directory; use list_files`);
      const max = options.maxBytes ?? 2 * 1024 * 1024;
      if (stat.size > max) throw new WorkspacePathError(`${rel} is too large (${stat.size} bytes)`);
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  async writeFile(rel: string, content: string | Buffer): Promise<void> {
    const real = await this.resolve(rel);
    await mkdir(dirname(real), { recursive: true });
    // Re-check the parent after mkdir: a folder created above cannot be a symlink, but an existing one was checked.
    if (!isInside(this.root, await realpath(dirname(real)))) {
      throw new WorkspacePathError(`${rel} would be written outside the workspace`);
    }
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
    const handle = await open(real, flags, 0o644);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  }

  async removeFile(rel: string): Promise<void> {
    await rm(await this.resolve(rel), { force: true });
  }

  async listFiles(start: string, options: { maxDepth: number; ignore: Iterable<string> }): Promise<string[]> {
    const ignore = new Set(options.ignore);
    const out: string[] = [];
    const walk = async (rel: string, depth: number): Promise<void> => {
      if (depth > options.maxDepth) return;
      let entries;
      try {
        entries = await readdir(await this.resolve(rel), { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        const child = rel === '.' ? entry.name : `${rel}/${entry.name}`;
        if (entry.isDirectory()) {
          if (!ignore.has(entry.name)) await walk(child, depth + 1);
        } else if (entry.isFile()) {
          out.push(child);
        }
        // symlinks are not followed when listing
      }
    };
    await walk(start, 0);
    return out;
  }
}
