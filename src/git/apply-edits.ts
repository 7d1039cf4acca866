// Host-side application of recorded edits to a pristine copy of the repository (the user's own checkout in
// `mimo fix`). Each edit is an exact replacement checked against the content it was made on: nothing the
// sandbox's file holds beyond the recorded edit is ever copied, and nothing is written through a symlink or into
// a `.git` directory, whatever case or depth spells it.
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

/** One file's net change, as the edit tools and fixers recorded it (`null`: the file does not exist on that side). */
export interface RecordedEdit {
  path: string;
  before: string | null;
  after: string | null;
}

/** A recorded edit names a path that may not be written on the host: `.git`, a symlink on the way, outside. */
export class UnsafeEditPathError extends Error {
  override name = 'UnsafeEditPathError';
}

/** The host file is not what the edit was made on: something other than the edit tools changed it. */
export class EditConflictError extends Error {
  override name = 'EditConflictError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** `a/./b` → `['a', 'b']`; refuses empty, absolute, `..`, NUL and any `.git` component (any case). */
export function editPathParts(path: string): string[] {
  if (typeof path !== 'string' || path === '' || path.includes('\0') || path.startsWith('/')) {
    throw new UnsafeEditPathError(`${JSON.stringify(path)} is not a path relative to the repository root`);
  }
  const parts = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new UnsafeEditPathError(`${path} is not a path inside the repository`);
  }
  if (parts.some((p) => p.toLowerCase() === '.git')) {
    throw new UnsafeEditPathError(
      `${path} is inside a .git directory: repository metadata is never written (a planted hook or ` +
        'core.fsmonitor would run on your next git command)',
    );
  }
  return parts;
}

async function kindOf(path: string): Promise<'missing' | 'dir' | 'file' | 'symlink' | 'other'> {
  try {
    const s = await lstat(path);
    if (s.isSymbolicLink()) return 'symlink';
    if (s.isDirectory()) return 'dir';
    if (s.isFile()) return 'file';
    return 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/**
 * Walks `parts` from `root` one component at a time with lstat, refusing a symlink or non-folder on the way.
 * Returns how far the existing folders go (`missing` at index i: parts[i] and below do not exist).
 */
async function walkParents(root: string, rel: string, parts: string[]): Promise<number> {
  let current = root;
  for (let i = 0; i < parts.length - 1; i++) {
    current = join(current, parts[i]!);
    const kind = await kindOf(current);
    if (kind === 'missing') return i;
    if (kind === 'symlink') {
      throw new UnsafeEditPathError(
        `${rel}: ${parts.slice(0, i + 1).join('/')} is a symlink; edits are never written through one`,
      );
    }
    if (kind !== 'dir')
      throw new UnsafeEditPathError(`${rel}: ${parts.slice(0, i + 1).join('/')} is not a folder`);
  }
  return parts.length - 1;
}

async function openNoFollow(path: string, flags: number, rel: string): Promise<FileHandle> {
  try {
    return await open(path, flags | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new UnsafeEditPathError(`${rel} is a symlink; edits are never written through one`);
    throw error;
  }
}

/** The file's current content on the host (`null`: absent), read without following a symlink anywhere. */
async function currentContent(root: string, rel: string, parts: string[]): Promise<string | null> {
  const existing = await walkParents(root, rel, parts);
  if (existing < parts.length - 1) return null;
  const full = join(root, ...parts);
  const kind = await kindOf(full);
  if (kind === 'missing') return null;
  if (kind === 'symlink')
    throw new UnsafeEditPathError(`${rel} is a symlink; edits are never written through one`);
  if (kind !== 'file') throw new UnsafeEditPathError(`${rel} is not a regular file`);
  const handle = await openNoFollow(full, constants.O_RDONLY, rel);
  try {
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function writeOne(root: string, edit: RecordedEdit, parts: string[]): Promise<void> {
  const rel = parts.join('/');
  const existing = await walkParents(root, rel, parts);
  let current = join(root, ...parts.slice(0, existing));
  for (let i = existing; i < parts.length - 1; i++) {
    current = join(current, parts[i]!);
    await mkdir(current); // non-recursive: fails on anything that appeared meanwhile instead of following it
  }
  // The parent is, by construction, the plain folder root/parts[..-1]: check nothing re-pointed it meanwhile.
  const parent = join(root, ...parts.slice(0, -1));
  if ((await realpath(parent)) !== parent) {
    throw new UnsafeEditPathError(`${rel}: a folder on the way was replaced by a symlink`);
  }
  const full = join(root, ...parts);
  if (edit.after === null) {
    if ((await kindOf(full)) === 'file') await unlink(full);
    return;
  }
  // A new file is created exclusively (O_EXCL never follows a symlink); an existing one is truncated in place.
  const flags =
    edit.before === null
      ? constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL
      : constants.O_WRONLY | constants.O_TRUNC;
  const handle = await openNoFollow(full, flags, rel);
  try {
    await handle.writeFile(edit.after, 'utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Applies `edits` to the pristine copy at `root`: every path is checked and every file's current content compared
 * with the edit's `before` first, then all are written; so a conflict or an unsafe path writes nothing at all.
 * Throws UnsafeEditPathError (`.git`, symlinks, escaping paths) or EditConflictError (content differs).
 */
export async function applyEdits(root: string, edits: RecordedEdit[]): Promise<string[]> {
  const base = await realpath(root);
  const plan: Array<{ edit: RecordedEdit; parts: string[] }> = [];
  const seen = new Set<string>();
  for (const edit of edits) {
    const parts = editPathParts(edit.path);
    const rel = parts.join('/');
    if (seen.has(rel)) throw new UnsafeEditPathError(`${rel} is edited twice in one change set`);
    seen.add(rel);
    const current = await currentContent(base, rel, parts);
    if (current !== edit.before) {
      const what =
        edit.before === null
          ? 'the edit creates it, but it exists'
          : current === null
            ? 'the edit changes it, but it does not exist'
            : 'its content is not what the edit was made on';
      throw new EditConflictError(
        `${rel}: ${what}. Something other than the edit tools changed it (the test run, or you meanwhile); ` +
          'nothing was written. Re-run the repair on the current tree.',
        rel,
      );
    }
    plan.push({ edit, parts });
  }
  for (const { edit, parts } of plan) await writeOne(base, edit, parts);
  return plan.map(({ parts }) => parts.join('/'));
}
