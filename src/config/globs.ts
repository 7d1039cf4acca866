import picomatch from 'picomatch';

/**
 * The config's globs (`paths.allow`/`deny`, `triggers.ci.branches`/`ignoreBranches`), matched by picomatch with
 * `dot: true` (`*` and `**` match names that start with a dot): `*` stays inside one segment, `**` crosses them,
 * `?`, `[abc]`, `{a,b}` and extglobs as picomatch has them, and a leading `!` negates the whole glob.
 *
 * `path` globs add gitignore's conveniences: a glob without `/` (other than a trailing one) matches at any depth
 * (`*.md` → `docs/a.md`), a trailing `/` names a folder and everything under it, and a glob without glob characters
 * names that file or folder and everything under it (`vendor` → `lib/vendor/x.js`). `exact` globs (branch names)
 * match the whole value as written.
 */
export type GlobKind = 'path' | 'exact';

const cache = new Map<string, (value: string) => boolean>();

export function globMatcher(glob: string, kind: GlobKind): (value: string) => boolean {
  const key = `${kind}\0${glob}`;
  let matcher = cache.get(key);
  if (!matcher) {
    matcher = compile(glob, kind);
    cache.set(key, matcher);
  }
  return matcher;
}

function compile(glob: string, kind: GlobKind): (value: string) => boolean {
  let pattern = kind === 'path' ? glob.trim() : glob;
  const negated = pattern.startsWith('!') && !pattern.startsWith('!(');
  if (negated) pattern = pattern.slice(1);
  const positive = picomatch(kind === 'path' ? pathPatterns(pattern) : pattern, { dot: true });
  return negated ? (value) => !positive(value) : positive;
}

function pathPatterns(glob: string): string[] {
  let pattern = glob.replace(/^\.\//, '');
  const folder = pattern.endsWith('/');
  pattern = pattern.replace(/\/+$/, '');
  if (!pattern.includes('/')) pattern = `**/${pattern}`;
  const literal = !picomatch.scan(pattern.replace(/^\*\*\//, '')).isGlob;
  return folder || literal ? [pattern, `${pattern}/**`] : [pattern];
}

/** The first of `globs` that matches `value`, if any. */
export function firstMatch(value: string, globs: readonly string[], kind: GlobKind): string | undefined {
  return globs.find((glob) => globMatcher(glob, kind)(value));
}
