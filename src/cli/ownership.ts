/**
 * The sandbox never runs commands as root: when root runs the CLI on a root-owned directory, the sandbox hands the
 * tree to its fallback user (uid 10001). Commands that work on the user's own directory record owners and modes
 * first and put them back afterwards, so no command leaves the user's directory changed in owner or mode.
 */
import { lchown, lstat, readdir, chmod } from 'node:fs/promises';
import { join } from 'node:path';

interface Owner {
  uid: number;
  gid: number;
  mode: number;
}

async function walk(dir: string, visit: (path: string) => Promise<void>): Promise<void> {
  await visit(dir);
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, visit);
    else await visit(path);
  }
}

/** Records the owner and mode of every entry under `dir`; `restore()` puts them back (new entries: `dir`'s owner). */
export async function preserveOwnership(dir: string): Promise<{ restore(): Promise<void> }> {
  const top = await lstat(dir);
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // Only root can (and only root running on a root-owned tree does) change owners: nothing to keep otherwise.
  if (!asRoot || top.uid !== 0) return { restore: async () => undefined };
  const owners = new Map<string, Owner>();
  await walk(dir, async (path) => {
    const info = await lstat(path);
    owners.set(path, { uid: info.uid, gid: info.gid, mode: info.mode & 0o7777 });
  });
  return {
    async restore() {
      await walk(dir, async (path) => {
        const info = await lstat(path).catch(() => null);
        if (!info) return;
        const was = owners.get(path) ?? { uid: top.uid, gid: top.gid, mode: -1 };
        if (info.uid !== was.uid || info.gid !== was.gid) await lchown(path, was.uid, was.gid);
        // chown clears set-id bits; put back any mode that differs (symlinks have no mode of their own).
        if (was.mode >= 0 && !info.isSymbolicLink() && (info.mode & 0o7777) !== was.mode)
          await chmod(path, was.mode);
      });
    },
  };
}
