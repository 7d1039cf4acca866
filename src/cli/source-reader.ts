/**
 * The file reader `mimo parse` gives the parser (for a test's declaration line when the runner printed none):
 * reads only inside one root directory, never through a symlink out of it, at most 1 MB. A path the log gives
 * as absolute (a CI runner's `/home/runner/work/repo/repo/test/x.js`) is matched by its longest suffix that
 * exists under the root, so a log from elsewhere still finds the checkout's file.
 */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { SourceReader } from '../feedback/index.js';

const MAX_SOURCE_BYTES = 1024 * 1024;

export function sourceReader(rootDir: string): SourceReader {
  let root: string;
  try {
    root = realpathSync(rootDir);
  } catch {
    return () => null;
  }
  const inside = (path: string): string | null => {
    try {
      const real = realpathSync(join(root, path));
      const rel = relative(root, real);
      if (rel.startsWith('..') || isAbsolute(rel)) return null;
      const st = statSync(real);
      if (!st.isFile() || st.size > MAX_SOURCE_BYTES) return null;
      return readFileSync(real, 'utf8');
    } catch {
      return null;
    }
  };
  return (path: string) => {
    const parts = path
      .replace(/\\/g, '/')
      .split('/')
      .filter((p) => p && p !== '.');
    if (parts.includes('..')) return null;
    if (!isAbsolute(path) && !/^[A-Za-z]:[\\/]/.test(path)) return inside(parts.join(sep));
    // Absolute: the longest suffix found under the root, down to a file in a folder (never a bare file name).
    const from = /^[A-Za-z]:$/.test(parts[0] ?? '') ? 1 : 0;
    for (let i = from; i < Math.max(parts.length - 1, from + 1); i++) {
      const text = inside(parts.slice(i).join(sep));
      if (text !== null) return text;
    }
    return null;
  };
}
