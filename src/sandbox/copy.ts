import type Docker from 'dockerode';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pack, type Pack } from 'tar-stream';
import { WORKDIR } from './files.js';
import type { RunnerClient } from './runner/client.js';

/** Folders never copied into the sandbox: VCS metadata (the container never sees `.git`) and our own logs. */
export const NOT_COPIED = new Set(['.git', '.mimo']);

/** What was copied in: counts for the log and the quota check. */
export interface CopyStats {
  files: number;
  bytes: number;
}

function entry(tar: Pack, header: Parameters<Pack['entry']>[0], body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (body) tar.entry(header, body, done);
    else tar.entry(header, done);
  });
}

async function addTree(
  tar: Pack,
  dir: string,
  rel: string,
  owner: { uid: number; gid: number },
  stats: CopyStats,
): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (rel === '' && NOT_COPIED.has(e.name)) continue;
    if (e.name === '.git') continue; // nested repositories' metadata neither
    const path = join(dir, e.name);
    const name = rel ? `${rel}/${e.name}` : e.name;
    const info = await lstat(path);
    const base = { name, uid: owner.uid, gid: owner.gid, mtime: info.mtime };
    if (info.isDirectory()) {
      await entry(tar, { ...base, type: 'directory', mode: 0o755 });
      await addTree(tar, path, name, owner, stats);
    } else if (info.isSymbolicLink()) {
      // Copied as the link itself: it resolves inside the container, never on the host.
      await entry(tar, { ...base, type: 'symlink', linkname: await readlink(path), mode: 0o777 });
      stats.files++;
    } else if (info.isFile()) {
      const body = await readFile(path);
      await entry(
        tar,
        { ...base, type: 'file', mode: info.mode & 0o111 ? 0o755 : 0o644, size: body.length },
        body,
      );
      stats.files++;
      stats.bytes += body.length;
    } // sockets, fifos, devices: not copied
  }
}

/** The tar of `dir`'s files as it is produced, and the walk that fills it. */
function packTree(dir: string, owner: { uid: number; gid: number }) {
  const tar = pack();
  const stats: CopyStats = { files: 0, bytes: 0 };
  const filling = addTree(tar, dir, '', owner, stats).then(
    () => tar.finalize(),
    (error: unknown) => {
      tar.destroy(error as Error);
      throw error;
    },
  );
  return { tar, stats, filling };
}

/**
 * Copies the files of host directory `dir` (without `.git` and `.mimo`) into `target` in the container with the
 * engine's archive API, owned by `owner`. Works with any engine, local or remote: nothing of the host is mounted.
 */
export async function copyIntoContainer(
  container: Docker.Container,
  dir: string,
  target: string,
  owner: { uid: number; gid: number },
): Promise<CopyStats> {
  const { tar, stats, filling } = packTree(dir, owner);
  const putting = container.putArchive(tar as unknown as NodeJS.ReadableStream, { path: target });
  await Promise.all([filling, putting]);
  return stats;
}

/** Workspaces up to this size go through the runner; bigger ones through the engine's archive API. */
const UPLOAD_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Copies `dir` into the sandbox's workspace as one raw tar over the runner's stream (`u`), extracted by the
 * sandbox user: a few milliseconds, where the engine's archive API re-executes the engine to untar (about 100 ms
 * here, the floor of every open). Null when it cannot (the image lacks head/tar/cat, the tar is over 64 MiB, the
 * extraction failed): then copy with copyIntoContainer.
 */
async function uploadThroughRunner(
  client: RunnerClient,
  dir: string,
  owner: { uid: number; gid: number },
): Promise<CopyStats | null> {
  if (!client.canUpload) return null;
  const { tar, stats, filling } = packTree(dir, owner);
  const chunks: Buffer[] = [];
  let size = 0;
  const collected = new Promise<boolean>((resolve, reject) => {
    tar.on('data', (chunk: unknown) => {
      if (!Buffer.isBuffer(chunk)) return;
      size += chunk.length;
      if (size > UPLOAD_MAX_BYTES) {
        tar.destroy();
        resolve(false);
      } else chunks.push(chunk);
    });
    tar.on('end', () => resolve(true));
    tar.on('error', reject);
  });
  const [whole] = await Promise.all([
    collected,
    filling.catch((error: unknown) => (size > UPLOAD_MAX_BYTES ? undefined : Promise.reject(error))),
  ]);
  if (!whole) return null;
  const reply = await client.request({ op: 'u', fields: [String(size)], raw: Buffer.concat(chunks, size) });
  return reply.status === 'ok' ? stats : null;
}

/** Copies `dir` into the sandbox's workspace: through its runner when it can, else with the archive API. */
export async function fillWorkspace(
  container: Docker.Container,
  client: RunnerClient,
  dir: string,
  owner: { uid: number; gid: number },
): Promise<CopyStats> {
  return (await uploadThroughRunner(client, dir, owner)) ?? copyIntoContainer(container, dir, WORKDIR, owner);
}
