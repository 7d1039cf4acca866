// Where a repository-relative path really lands in a tree on the host: each component is lstat'ed and a symlink
// is resolved lexically inside the repository (never followed by the file system), so the guard can judge the
// resolved path and report the alias that reaches it. A link that leaves the repository is a refusal.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';

export type TreePath = { path: string; via?: { link: string; target: string } } | { refused: string };

const MAX_LINKS = 40;

function kind(full: string): 'missing' | 'symlink' | 'dir' | 'other' {
  try {
    const s = lstatSync(full);
    return s.isSymbolicLink() ? 'symlink' : s.isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

/** Resolves `rel` against the tree at `root` (an absolute, real path), component by component. */
export function resolveInTree(root: string, rel: string): TreePath {
  let parts = posix
    .normalize(rel.replace(/\\/g, '/'))
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  if (parts.includes('..') || rel.startsWith('/'))
    return { refused: `${rel} is not a path inside the repository.` };
  let via: { link: string; target: string } | undefined;
  let links = 0;
  for (let i = 0; i < parts.length; i++) {
    const prefix = parts.slice(0, i + 1).join('/');
    const what = kind(posix.join(root, prefix));
    if (what === 'missing') break; // the rest does not exist yet: nothing to follow
    if (what === 'symlink') {
      if (++links > MAX_LINKS) return { refused: `${rel} goes through too many symlinks.` };
      let target: string;
      try {
        target = readlinkSync(posix.join(root, prefix), 'utf8');
      } catch {
        return { refused: `${rel}: the symlink ${prefix} cannot be read.` };
      }
      const joined = posix.normalize(posix.join(posix.dirname(prefix), target));
      if (target.startsWith('/') || joined === '..' || joined.startsWith('../')) {
        return {
          refused: `${rel} goes through the symlink ${prefix} → ${target}, which leads outside the repository; such links are refused.`,
        };
      }
      via ??= { link: prefix, target };
      parts = [...joined.split('/').filter((p) => p !== '' && p !== '.'), ...parts.slice(i + 1)];
      i = -1; // the substituted path may go through further links: walk it again from the root
      continue;
    }
    if (what !== 'dir') break; // a file in the middle: the edit fails on its own
  }
  const path = parts.join('/') || '.';
  return via ? { path, via } : { path };
}

/**
 * A resolver over several trees (e.g. the user's repository and the sandbox's copy of it): the first refusal, else
 * the first resolution that went through a symlink, else the spelled path.
 */
export function repoPathResolver(roots: string[]): (rel: string) => TreePath {
  const real = roots.map((root) => realpathSync(root));
  return (rel) => {
    const results = real.map((root) => resolveInTree(root, rel));
    return (
      results.find((r) => 'refused' in r) ??
      results.find((r) => 'via' in r && r.via !== undefined) ??
      results[0] ?? { path: rel }
    );
  };
}
