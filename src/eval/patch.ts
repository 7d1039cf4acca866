import { applyPatch, createTwoFilesPatch, parsePatch, type StructuredPatch } from 'diff';
import { Workspace, type FileEdit } from '../tools/index.js';
import { PatchError } from './errors.js';

/**
 * The unified diff of a run's edits, `patch -p1`-applicable in the case folder: `a/` and `b/` prefixes, `/dev/null`
 * for created and deleted files, and the "No newline at end of file" markers a hand-rolled diff tends to forget.
 */
export function diffOf(edits: FileEdit[]): string {
  return [...edits]
    .sort((a, b) => a.path.localeCompare(b.path))
    .filter((e) => e.before !== e.after)
    .map((e) =>
      createTwoFilesPatch(
        e.before === null ? '/dev/null' : `a/${e.path}`,
        e.after === null ? '/dev/null' : `b/${e.path}`,
        e.before ?? '',
        e.after ?? '',
        undefined,
        undefined,
        { context: 3 },
      ).replace(/^=+\n/, ''),
    )
    .join('');
}

/** The repository path a file patch names, with its `a/` or `b/` prefix stripped (`-p1`). */
function pathOf(file: StructuredPatch): { path: string; created: boolean; deleted: boolean } {
  const clean = (name: string | undefined) => (name ?? '').replace(/\t.*$/, '').trim();
  const oldName = clean(file.oldFileName);
  const newName = clean(file.newFileName);
  const created = oldName === '/dev/null';
  const deleted = newName === '/dev/null';
  const name = deleted ? oldName : newName;
  if (!/^[ab]\//.test(name))
    throw new PatchError(name || '(unnamed)', 'expected an a/ or b/ prefix (patch -p1)');
  return { path: name.slice(2), created, deleted };
}

/**
 * Applies a unified diff to a folder, host-side and strictly (no fuzz): through `Workspace`, so a path with `..`, an
 * absolute path or a symlink that leads out of the folder is refused. Nothing is written unless every file applies.
 * Returns the files changed; throws `PatchError` naming the file that does not apply.
 */
export async function applyDiff(root: string, diff: string): Promise<string[]> {
  if (diff.trim() === '') return [];
  let files: StructuredPatch[];
  try {
    files = parsePatch(diff);
  } catch (error) {
    throw new PatchError(
      '(diff)',
      `not a unified diff: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const workspace = await Workspace.open(root);
  const planned: Array<{ path: string; content: string | null }> = [];
  for (const file of files) {
    if (file.hunks.length === 0) continue;
    const { path, created, deleted } = pathOf(file);
    let current: string | null;
    try {
      current = await workspace.readIfExists(path);
    } catch (error) {
      throw new PatchError(path, error instanceof Error ? error.message : String(error));
    }
    if (created && current !== null)
      throw new PatchError(path, 'the patch creates it, but it exists already');
    if (!created && current === null) throw new PatchError(path, 'no such file in the case');
    const next = applyPatch(current ?? '', file, { fuzzFactor: 0 });
    if (next === false)
      throw new PatchError(path, 'a hunk does not match the file (the patch no longer applies)');
    planned.push({ path, content: deleted ? null : next });
  }
  for (const { path, content } of planned) {
    if (content === null) await workspace.remove(path);
    else await workspace.write(path, content);
  }
  return planned.map((p) => p.path);
}
