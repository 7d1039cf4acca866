import { changedLineNumbers, removedLines } from '../tools/index.js';
import { firstMatch } from '../config/globs.js';
import { harnessChange, protectedReason } from './harness.js';

/** The agent may never edit these, whatever the config says: CI definitions and our own config. */
export const ALWAYS_DENIED = ['.github/workflows/**', '.github/mimo.yml', '.github/mimo.yaml'];

export interface GuardPolicy {
  /** Globs the agent may edit; empty = everything not denied. */
  allow: string[];
  /** Globs the agent may not edit (ALWAYS_DENIED is added). */
  deny: string[];
  /** Issue mode: test files the agent created in this run may be edited freely (but never skipped). */
  mode: 'repair' | 'issue';
  /**
   * Resolves a path against the real tree (symlinks of the repository followed lexically, inside it only); without
   * it the spelled path alone is judged. See `repoPathResolver` in git/.
   */
  resolve?: PathResolver;
}

/** A path as the tree resolves it: `via` is the first symlink crossed (none: the spelled path is the real one). */
export type ResolvedPath = { path: string; via?: { link: string; target: string } } | { refused: string };
export type PathResolver = (path: string) => ResolvedPath;

export interface ProposedEdit {
  path: string;
  /** Content at the start of the run (`null`: the file did not exist then). */
  original: string | null;
  /** Content now, before this edit. */
  before: string | null;
  /** Content after this edit (`null`: deletion). */
  after: string | null;
}

/** Why the spelled or resolved path itself may not be edited: protected (always) or outside the config's globs. */
function pathReason(path: string, policy: GuardPolicy): string | null {
  const always = protectedReason(path);
  if (always) return `${path} may not be edited: ${always}.`;
  const denied = matchesAny(path, [...ALWAYS_DENIED, ...policy.deny]);
  if (denied) return `${path} may not be edited (it matches the denied path ${denied}).`;
  if (policy.allow.length > 0 && !matchesAny(path, policy.allow)) {
    return `${path} is outside the paths you may edit (${policy.allow.join(', ')}).`;
  }
  return null;
}

/** The first glob of `globs` that `path` matches (picomatch path globs: see config/globs.ts). */
export function matchesAny(path: string, globs: string[]): string | undefined {
  return firstMatch(path, globs, 'path');
}

/** Test files by the conventions of pytest, unittest, jest/vitest/mocha, go and rust. */
export function isTestFile(path: string): boolean {
  const base = path.split('/').pop() ?? path;
  return (
    /^test_.*\.py$/.test(base) ||
    /_test\.(py|go)$/.test(base) ||
    base === 'conftest.py' ||
    /\.(test|spec)\.[cm]?[jt]sx?$/.test(base) ||
    /(^|\/)(tests?|__tests__|spec)\//.test(path)
  );
}

const TEST_DEF = [
  /^\s*(?:async\s+)?def\s+test\w*\s*\(/gm,
  /(?:^|[^\w.])(?:it|test)(?:\.each\([^)]*\))?\s*\(/gm,
  /^func\s+Test\w+\s*\(/gm,
  /#\[test\]/g,
];
const SKIP_MARKERS = [
  /@pytest\.mark\.(?:skip|skipif|xfail)\b/g,
  /\bpytest\.(?:skip|xfail)\s*\(/g,
  /@unittest\.(?:skip|skipIf|skipUnless|expectedFailure)\b/g,
  /\bself\.skipTest\s*\(/g,
  /\b(?:it|test|describe|suite|context)\.(?:skip|todo|only)\b/g,
  /(?:^|[^\w.])(?:xit|xtest|xdescribe|fit|fdescribe)\s*\(/gm,
  /\bt\.Skip(?:f|Now)?\s*\(/g,
  /#\[ignore\]/g,
];
const ASSERTION = /\bassert|\bexpect\s*\(|\.should\b|\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail)\b|\bpanic!\s*\(/;

function count(text: string | null, patterns: RegExp[]): number {
  if (text === null) return 0;
  return patterns.reduce((n, re) => n + (text.match(re)?.length ?? 0), 0);
}

/**
 * Why an edit is refused, or `null` when it is allowed. Refused: paths outside the allowed globs or under a denied
 * one (always `.github/workflows/`), deleting a test file or a test, adding a skip/xfail/only marker, and removing or
 * changing an assertion line of an existing test.
 */
export function checkEdit(edit: ProposedEdit, policy: GuardPolicy): string | null {
  const { path, original, before, after } = edit;
  const spelled = pathReason(path, policy);
  if (spelled) return spelled;
  const resolved = policy.resolve?.(path);
  if (resolved && 'refused' in resolved) return resolved.refused;
  if (resolved?.via) {
    const { link, target } = resolved.via;
    const real = resolved.path;
    const why = pathReason(real, policy) ?? (isTestFile(real) ? `${real} is a test file.` : null);
    if (why) {
      return `${path} goes through the repository symlink ${link} → ${target} and would edit ${real}; symlinks into protected paths are refused: ${why}`;
    }
    return `${path} goes through the symlink ${link} → ${target}; edits are never made through a symlink, edit ${real} instead.`;
  }
  const harness = harnessChange(path, before, after);
  if (harness) return harness;
  if (!isTestFile(path)) return null;
  if (count(after, SKIP_MARKERS) > count(before, SKIP_MARKERS)) {
    return `${path}: adding a skip, xfail, todo or only marker to tests is not allowed; fix the code under test instead.`;
  }
  const agentOwned = policy.mode === 'issue' && original === null;
  if (agentOwned) return null;
  if (after === null && before !== null) {
    return `${path}: deleting a test file is not allowed; fix the code under test instead.`;
  }
  if (count(after, TEST_DEF) < count(before, TEST_DEF)) {
    return `${path}: removing tests is not allowed (${count(before, TEST_DEF)} → ${count(after, TEST_DEF)}); fix the code under test instead.`;
  }
  const removed = removedLines(before, after).filter((line) => ASSERTION.test(line));
  if (removed.length > 0) {
    const afterLines = (after ?? '').split('\n');
    const added = new Set(changedLineNumbers(before, after).map((n) => afterLines[n - 1]?.trim()));
    const weakened = removed.filter((line) => !added.has(line.trim()));
    if (weakened.length > 0) {
      return `${path}: changing or removing assertions is not allowed (${weakened[0]!.trim()}); the tests define the expected behaviour, fix the code under test instead.`;
    }
  }
  return null;
}
