import { posix } from 'node:path';
import { SandboxFileError, type SandboxFileReason } from './errors.js';
import type { FileKind } from './types.js';

/** Where the workspace lives inside the container. */
export const WORKDIR = '/workspace';

/** A workspace-relative path (`.` for the root), refusing `..`, NUL and absolute paths outside the workspace. */
export function workspaceRel(path: string): string {
  if (path.includes('\0')) throw new SandboxFileError(JSON.stringify(path), 'outside');
  let p = path;
  if (p === WORKDIR || p.startsWith(`${WORKDIR}/`)) p = p.slice(WORKDIR.length + 1) || '.';
  if (posix.isAbsolute(p)) throw new SandboxFileError(path, 'outside');
  const clean = posix.normalize(p).replace(/\/+$/, '');
  if (clean === '..' || clean.startsWith('../')) throw new SandboxFileError(path, 'outside');
  return clean === '' ? '.' : clean;
}

/** The working directory inside the container; never outside the workspace. */
export function containerCwd(cwd: string | undefined): string {
  const dir = posix.resolve(WORKDIR, cwd ?? '.');
  if (dir !== WORKDIR && !dir.startsWith(`${WORKDIR}/`))
    throw new Error(`cwd ${cwd} is outside the workspace`);
  return dir;
}

const REASONS = new Set<SandboxFileReason>(['missing', 'isdir', 'symlink', 'outside', 'broken', 'special']);

/** The SandboxFileError for a runner status that is not `ok`. */
export function fileError(path: string, status: string): SandboxFileError {
  return new SandboxFileError(
    path,
    REASONS.has(status as SandboxFileReason) ? (status as SandboxFileReason) : 'error',
  );
}

export function fileKind(status: string): FileKind | null {
  return ['file', 'dir', 'symlink', 'special', 'missing'].includes(status) ? (status as FileKind) : null;
}

/** `find` arguments listing regular files up to `maxDepth` levels below, pruning the ignored folder names. */
export function findArgs(maxDepth: number, ignore: Iterable<string>): string[] {
  const names = [...ignore];
  const prune: string[] = [];
  names.forEach((name, i) => prune.push(...(i > 0 ? ['-o'] : []), '-name', name));
  const depth = ['-maxdepth', String(Math.max(1, maxDepth + 1))];
  if (names.length === 0) return [...depth, '-type', 'f', '-print0'];
  return [...depth, '(', '-type', 'd', '(', ...prune, ')', '-prune', ')', '-o', '-type', 'f', '-print0'];
}

/** Paths in depth-first order with each folder's entries sorted by name (as a recursive sorted walk gives). */
export function compareWalkOrder(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = pa[i]!.localeCompare(pb[i]!);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** The workspace paths in `find -print0` output run in folder `rel`. */
export function parseFound(output: Buffer, rel: string): string[] {
  return output
    .toString('utf8')
    .split('\0')
    .filter((p) => p.startsWith('./'))
    .map((p) => (rel === '.' ? p.slice(2) : `${rel}/${p.slice(2)}`))
    .sort(compareWalkOrder);
}
