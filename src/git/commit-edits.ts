// The app's commit of a repair: built from HEAD and the recorded edits alone, in a throwaway index, so the
// commit holds exactly the edits whatever the work tree (which the sandbox's code ran in) holds beside them.
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { editPathParts, EditConflictError, UnsafeEditPathError, type RecordedEdit } from './apply-edits.js';
import { GitError, NothingToCommitError } from './errors.js';
import type { GitRunner } from './runner.js';

interface TreeEntry {
  mode: string;
  path: string;
}

function parseLsTree(out: string): TreeEntry[] {
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      return { mode: line.slice(0, tab).split(' ')[0]!, path: line.slice(tab + 1) };
    });
}

/** HEAD's entry for `rel` (mode), refusing a path that goes through a symlink, file or submodule in HEAD. */
async function headEntry(git: GitRunner, rel: string, parts: string[]): Promise<string | null> {
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  const entries = parseLsTree(await git.run(['ls-tree', '-z', 'HEAD', '--', ...prefixes]));
  for (const entry of entries) {
    if (entry.path !== rel && rel.startsWith(`${entry.path}/`) && entry.mode !== '040000') {
      const what = entry.mode === '120000' ? 'a symlink' : entry.mode === '160000' ? 'a submodule' : 'a file';
      throw new UnsafeEditPathError(
        `${rel}: ${entry.path} is ${what} in the repository; nothing is committed through it`,
      );
    }
  }
  const own = entries.find((e) => e.path === rel);
  if (!own) return null;
  if (own.mode === '120000')
    throw new UnsafeEditPathError(`${rel} is a symlink in the repository; it is never edited`);
  if (own.mode === '160000') throw new UnsafeEditPathError(`${rel} is a submodule; it is never edited`);
  if (own.mode === '040000') throw new UnsafeEditPathError(`${rel} is a folder in the repository`);
  return own.mode;
}

/** HEAD's content of `rel` as a checkout writes it (line-ending attributes applied). */
async function headContent(git: GitRunner, rel: string): Promise<string> {
  return git.run(['cat-file', '--filters', `HEAD:${rel}`]);
}

/**
 * Commits on top of HEAD exactly `edits` (each checked against HEAD's content: `before` must be what HEAD holds),
 * using a throwaway index; the work tree is neither read nor changed. Returns the new commit id.
 */
export async function commitRecordedEdits(
  git: GitRunner,
  gitDir: string,
  edits: RecordedEdit[],
  message: string,
  env: Record<string, string>,
): Promise<string> {
  const tag = randomBytes(6).toString('hex');
  const index = join(gitDir, `mimo-commit-${tag}.index`);
  const scratch = join(gitDir, `mimo-blob-${tag}`);
  const indexEnv = { GIT_INDEX_FILE: index };
  try {
    await git.run(['read-tree', 'HEAD'], { env: indexEnv });
    const seen = new Set<string>();
    for (const edit of edits) {
      const parts = editPathParts(edit.path);
      const rel = parts.join('/');
      if (seen.has(rel)) throw new UnsafeEditPathError(`${rel} is edited twice in one change set`);
      seen.add(rel);
      const mode = await headEntry(git, rel, parts);
      const current = mode === null ? null : await headContent(git, rel);
      if (current !== edit.before) {
        throw new EditConflictError(
          `${rel}: the recorded edit was made on content that is not the commit's (something other than the edit ` +
            'tools changed it during the run, e.g. the test suite); nothing was committed.',
          rel,
        );
      }
      if (edit.after === null) {
        await git.run(['update-index', '--force-remove', '--', rel], { env: indexEnv });
        continue;
      }
      writeFileSync(scratch, edit.after, 'utf8');
      const blob = (await git.run(['hash-object', '-w', `--path=${rel}`, '--', scratch])).trim();
      await git.run(['update-index', '--add', '--cacheinfo', `${mode ?? '100644'},${blob},${rel}`], {
        env: indexEnv,
      });
    }
    const tree = (await git.run(['write-tree'], { env: indexEnv })).trim();
    const headTree = (await git.run(['rev-parse', 'HEAD^{tree}'])).trim();
    if (tree === headTree) {
      throw new NothingToCommitError(
        `nothing to commit: the ${edits.length} recorded edit(s) change nothing`,
      );
    }
    await git.run(
      ['commit', '--quiet', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', '-m', message],
      {
        env: { ...env, ...indexEnv },
      },
    );
    // The real index follows the new HEAD; the work tree is left alone.
    await git.run(['reset', '--quiet']);
    return (await git.run(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  } catch (error) {
    if (error instanceof GitError && /invalid path|bad path/i.test(error.message)) {
      throw new UnsafeEditPathError(`git refused a recorded path: ${error.message}`);
    }
    throw error;
  } finally {
    rmSync(index, { force: true });
    rmSync(scratch, { force: true });
  }
}
