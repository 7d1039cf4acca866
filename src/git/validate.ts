// Checks on everything that reaches a git command line from outside this organ: paths, refs, URLs, identities.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InvalidInputError } from './errors.js';

/** A work-tree-relative path in git's form (`a/b.py`), refusing anything absolute, escaping, or inside `.git`. */
export function repoPath(path: string): string {
  const posix = path.replace(/\\/g, '/');
  if (!posix || posix.includes('\0') || isAbsolute(path) || posix.startsWith('/')) {
    throw new InvalidInputError(`"${path}" is not a path relative to the repository root`);
  }
  const parts = posix.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new InvalidInputError(`"${path}" is not a path inside the repository`);
  }
  if (parts.some((part) => part.toLowerCase() === '.git')) {
    throw new InvalidInputError(`"${path}" is inside a .git directory, which is never committed`);
  }
  return parts.join('/');
}

const REF_FORBIDDEN = /[\s~^:?*[\\]/;

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);
}

/** A branch name git accepts (check-ref-format rules that matter here), never one that could read as an option. */
export function branchName(name: string): string {
  const invalid =
    !name ||
    REF_FORBIDDEN.test(name) ||
    hasControlCharacter(name) ||
    name.startsWith('-') ||
    name.startsWith('/') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.includes('..') ||
    name.includes('//') ||
    name.includes('@{') ||
    name === '@' ||
    name.split('/').some((part) => part.startsWith('.'));
  if (invalid) throw new InvalidInputError(`"${name}" is not a valid branch name`);
  return name;
}

/** A ref to fetch: a branch or tag name, or a full ref such as `refs/pull/12/head`. */
export function fetchRef(ref: string): string {
  if (!ref) throw new InvalidInputError('a ref to clone is required (branch name or refs/...)');
  return branchName(ref);
}

/** A full commit id (SHA-1 or SHA-256). */
export function commitId(sha: string): string {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha)) {
    throw new InvalidInputError(`"${sha}" is not a full commit id (40 or 64 hex digits)`);
  }
  return sha.toLowerCase();
}

/** A remote URL without embedded credentials (the token travels only in a header) over http(s) or file. */
export function remoteUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: a malformed URL may still hold a credential.
    throw new InvalidInputError('the remote URL is not a valid URL (expected https://host/owner/repo.git)');
  }
  if (!['https:', 'http:', 'file:'].includes(parsed.protocol)) {
    throw new InvalidInputError(`${parsed.protocol} URLs are not supported; use https://`);
  }
  if (parsed.username || parsed.password) {
    throw new InvalidInputError(
      'the URL embeds credentials, which git would store on disk; pass the token separately instead',
    );
  }
  return url;
}

/** A commit identity; refuses characters that would corrupt the commit header. */
export function identity(author: { name: string; email: string }): { name: string; email: string } {
  const bad = (value: string) => !value.trim() || /[<>\n\r\0]/.test(value);
  if (bad(author.name) || bad(author.email)) {
    throw new InvalidInputError(`"${author.name} <${author.email}>" is not a valid commit author`);
  }
  return author;
}

/** True when `inner` is `outer` or lies inside it. */
export function isWithin(outer: string, inner: string): boolean {
  const rel = relative(resolve(outer), resolve(inner));
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
