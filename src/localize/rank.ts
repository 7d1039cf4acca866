/**
 * Ranks suspicious lines from four signals: spectrum-based ranking (Ochiai) over per-test coverage, the frames of
 * the failures (innermost project frame first), the functions the failing assertions call, and the lines the change
 * touched; ties are ordered by a statement-kind prior. Pure: reads source only through `readSource`.
 */
import type { TestReport } from '../feedback/index.js';
import {
  calledNames,
  codeLines,
  executableLines,
  functionRanges,
  languageOf,
  statementWeight,
  traitImpls,
  type Language,
  testCodeLines,
} from './source.js';

export interface Suspect {
  file: string;
  line: number;
  score: number;
}

/** Lines each test executed, and whether it failed. Paths relative to the repository root. */
export interface PerTestCoverage {
  tests: Array<{ name: string; failed: boolean; lines: Record<string, number[]> }>;
}

export interface RankInput {
  reports: TestReport[];
  changedLines?: Record<string, number[]>;
  coverage?: PerTestCoverage;
  /** Absolute prefix printed paths may carry (e.g. the sandbox workdir), removed to match repo-relative paths. */
  root?: string;
  /** Most suspects returned (default 20). */
  limit?: number;
  /**
   * The repository's text of a repo-relative file. With it, only executable statements are ranked (no comments,
   * blank lines or lone brackets), test code inside source files is known, and the functions the failing
   * assertions call are found.
   */
  readSource?: (file: string) => string | undefined;
  /** Source files searched for the functions a failing test calls (repo-relative; default: the covered files). */
  sourceFiles?: string[];
  /** Per `file:line`, the share of the failing tests a mutant of the line made pass (src/localize/mutate.ts). */
  mutation?: Map<string, number>;
}

// Weights of the signals (see docs/feedback.md); the spectrum dominates when per-test coverage exists.
const WITH_COVERAGE = { spectrum: 0.55, frames: 0.2, callee: 0.1, changed: 0.15 };
const WITHOUT_COVERAGE = { spectrum: 0, frames: 0.4, callee: 0.35, changed: 0.25 };
/** A mutant that makes the failing tests pass is near-proof of the fault's line: it outweighs every other signal. */
const MUTATION = 0.6;
/** Test code says less about the fault than the code under test: its score is scaled by this. */
const TEST_CODE = 0.2;
/** Weight of the statement-kind prior, which only orders lines the evidence leaves tied. */
const PRIOR = 0.001;
/** Levels of calls followed from the functions a failing assertion calls, and the weight lost per level. */
const CALLEE_DEPTH = 3;
const CALLEE_DECAY = 0.5;
/** Weight of the call level as a last tie-breaker: under the smallest step of the statement-kind prior. */
const LEVEL_PRIOR = PRIOR / 20;
const DOCTEST = /^\s*(?:>>>|\.\.\.)\s/;
export const TEST_FILE =
  /(^|\/)(tests?|__tests__|spec|testing)\/|(^|\/)test_[^/]*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$/;

export function normalizePath(file: string, root?: string): string {
  let f = file.replace(/^file:\/\//, '');
  if (root) {
    const prefix = root.endsWith('/') ? root : `${root}/`;
    if (f.startsWith(prefix)) f = f.slice(prefix.length);
  }
  return f.replace(/^\.\//, '');
}

/** Ochiai suspiciousness per `file:line`: failed(l) / sqrt(totalFailed × (failed(l) + passed(l))). */
export function ochiai(coverage: PerTestCoverage, root?: string): Map<string, number> {
  const failedBy = new Map<string, number>();
  const passedBy = new Map<string, number>();
  let totalFailed = 0;
  for (const test of coverage.tests) {
    if (test.failed) totalFailed++;
    const into = test.failed ? failedBy : passedBy;
    for (const [file, lines] of Object.entries(test.lines)) {
      const f = normalizePath(file, root);
      for (const line of new Set(lines)) {
        const key = `${f}:${line}`;
        into.set(key, (into.get(key) ?? 0) + 1);
      }
    }
  }
  const scores = new Map<string, number>();
  if (!totalFailed) return scores;
  for (const [key, ef] of failedBy) {
    const ep = passedBy.get(key) ?? 0;
    scores.set(key, ef / Math.sqrt(totalFailed * (ef + ep)));
  }
  return scores;
}

function projectFrames(failure: TestReport['failures'][number], root?: string) {
  const frames = failure.frames.filter((f) => f.inProject);
  const located = frames.length
    ? frames
    : failure.file && failure.line
      ? [{ file: failure.file, line: failure.line }]
      : [];
  return located.map((f) => ({ file: normalizePath(f.file, root), line: f.line }));
}

/** Frame signal: each failure gives its k-th project frame (innermost first) 1/(k+1), averaged over failures. */
function frameScores(reports: TestReport[], root?: string): Map<string, number> {
  const scores = new Map<string, number>();
  const failures = reports.flatMap((r) => r.failures);
  for (const failure of failures) {
    const seen = new Set<string>();
    projectFrames(failure, root).forEach((f, k) => {
      const key = `${f.file}:${f.line}`;
      if (seen.has(key)) return;
      seen.add(key);
      scores.set(key, (scores.get(key) ?? 0) + 1 / (k + 1));
    });
  }
  for (const [key, s] of scores) scores.set(key, s / Math.max(1, failures.length));
  return scores;
}

/** Whether a line is test code: in a test file, or in a test module of a source file (Rust's `#[cfg(test)]`). */
function testCodeOf(readSource?: (file: string) => string | undefined) {
  const cache = new Map<string, Set<number>>();
  return (file: string, line: number): boolean => {
    if (TEST_FILE.test(file)) return true;
    let lines = cache.get(file);
    if (!lines) {
      const source = readSource?.(file);
      lines = source === undefined ? new Set() : testCodeLines(source, languageOf(file));
      cache.set(file, lines);
    }
    return lines.has(line);
  };
}

/**
 * Callee signal: the functions called on the test-code lines of a failure's frames (the assertion `expect(f(x))`,
 * `assert_eq!(f(x), y)`) are where a logic bug hides when no frame reaches it, and so are the functions those call
 * in turn (the bug is often in the helper the called function delegates to). A line of the k-th level scores
 * `decay^k` (1 for the called functions themselves), averaged over failures.
 */
function calleeScores(
  input: RankInput,
  files: string[],
  isTestCode: (file: string, line: number) => boolean,
  decay: number,
): { scores: Map<string, number>; levels: Map<string, number> } {
  const scores = new Map<string, number>();
  const levels = new Map<string, number>();
  const read = input.readSource;
  if (!read) return { scores, levels };
  const parsed = new Map<string, { language: Language; executable: Set<number>; code: string[] }>();
  for (const file of files) {
    const source = read(file);
    if (source === undefined) continue;
    const language = languageOf(file);
    parsed.set(file, {
      language,
      executable: executableLines(source, language),
      code: codeLines(source, language),
    });
  }
  // Rust calls trait methods implicitly (`next` through `.map().collect()`, `fmt` through `to_string()`): code that
  // names a type reaches the methods of its `impl Trait for Type` blocks.
  const implMethods = new Map<string, Set<string>>();
  for (const [file, { language }] of parsed) {
    if (language !== 'rust') continue;
    for (const [type, methods] of traitImpls(read(file)!)) {
      const into = implMethods.get(type) ?? new Set<string>();
      for (const m of methods) into.add(m);
      implMethods.set(type, into);
    }
  }
  const traitMethods = (line: string): string[] =>
    implMethods.size
      ? [...line.matchAll(/\b[A-Z]\w*/g)].flatMap((m) => [...(implMethods.get(m[0]) ?? [])])
      : [];
  const failures = input.reports.flatMap((r) => r.failures);
  for (const failure of failures) {
    let names = new Set<string>();
    for (const f of projectFrames(failure, input.root)) {
      const text = read(f.file)?.split('\n')[f.line - 1];
      // A doctest's failure points at its `>>> f(x)` example inside the docstring: test code in a source file.
      if (!text || (!isTestCode(f.file, f.line) && !DOCTEST.test(text))) continue;
      for (const n of calledNames(text.replace(DOCTEST, ''))) names.add(n);
    }
    const seen = new Set(names);
    const hit = new Map<string, number>();
    for (let level = 0; level <= CALLEE_DEPTH && names.size > 0; level++) {
      const next = new Set<string>();
      for (const [file, { language, executable, code }] of parsed) {
        for (const [from, to] of functionRanges(read(file)!, language, [...names])) {
          // A test helper (`fn texts(..)` in tests/) is not at fault, but what it calls is the code under test.
          const helper = isTestCode(file, from);
          for (let l = from; l <= to; l++) {
            if (!executable.has(l)) continue;
            const key = `${file}:${l}`;
            if (!helper && !hit.has(key)) hit.set(key, level);
            if (l > from) for (const n of calledNames(code[l - 1] ?? '')) if (!seen.has(n)) next.add(n);
            if (!helper) for (const n of traitMethods(code[l - 1] ?? '')) if (!seen.has(n)) next.add(n);
          }
        }
      }
      for (const n of next) seen.add(n);
      names = next;
    }
    for (const [key, level] of hit) {
      scores.set(key, (scores.get(key) ?? 0) + decay ** level);
      levels.set(key, Math.min(level, levels.get(key) ?? level));
    }
  }
  for (const [key, s] of scores) scores.set(key, s / Math.max(1, failures.length));
  return { scores, levels };
}

export function rankSuspicious(input: RankInput): Suspect[] {
  const spectrum = input.coverage ? ochiai(input.coverage, input.root) : new Map<string, number>();
  const weights = spectrum.size ? WITH_COVERAGE : WITHOUT_COVERAGE;
  const frames = frameScores(input.reports, input.root);
  const changed = new Set<string>();
  for (const [file, lines] of Object.entries(input.changedLines ?? {})) {
    for (const line of lines) changed.add(`${normalizePath(file, input.root)}:${line}`);
  }
  const isTestCode = testCodeOf(input.readSource);
  const covered = new Set([...spectrum.keys(), ...frames.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))));
  const files = input.sourceFiles ?? [...covered];
  // With per-test coverage the callee signal is scaled by the spectrum below, which already says which of the called
  // code ran in the failing tests: every level counts alike. Without it, nearer calls count more.
  const { scores: callee, levels: calleeLevels } = calleeScores(
    input,
    files,
    isTestCode,
    spectrum.size ? 1 : CALLEE_DECAY,
  );
  const mutation = input.mutation ?? new Map<string, number>();
  const keys = new Set([
    ...spectrum.keys(),
    ...frames.keys(),
    ...changed,
    ...callee.keys(),
    ...mutation.keys(),
  ]);
  const sources = new Map<string, { executable: Set<number>; code: string[] } | null>();
  const sourceOf = (file: string) => {
    if (!sources.has(file)) {
      const text = input.readSource?.(file);
      const language = languageOf(file);
      sources.set(
        file,
        text === undefined || language === 'other'
          ? null
          : { executable: executableLines(text, language), code: codeLines(text, language) },
      );
    }
    return sources.get(file)!;
  };
  // Files the per-test coverage saw: there a callee line that no failing test ran cannot be at fault.
  const spectrumFiles = new Set([...spectrum.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))));
  const ranked: Array<{ suspect: Suspect; exact: number }> = [];
  for (const key of keys) {
    const at = key.lastIndexOf(':');
    const file = key.slice(0, at);
    const line = Number(key.slice(at + 1));
    const source = sourceOf(file);
    // Only statements can be at fault: comments, blank lines and lone brackets never rank.
    if (source && !source.executable.has(line)) continue;
    // With per-test coverage the callee signal only sharpens the spectrum (scaled by it): an entry function every
    // test calls would otherwise lift its whole body above the helper it delegates to, where the bug is.
    const calleeScale = spectrumFiles.has(file) ? (spectrum.get(key) ?? 0) : 1;
    let score =
      weights.spectrum * (spectrum.get(key) ?? 0) +
      weights.frames * (frames.get(key) ?? 0) +
      weights.callee * (callee.get(key) ?? 0) * calleeScale +
      weights.changed * (changed.has(key) ? 1 : 0) +
      MUTATION * (mutation.get(key) ?? 0);
    if (score <= 0) continue;
    if (isTestCode(file, line)) score *= TEST_CODE;
    if (source) score += PRIOR * statementWeight(source.code[line - 1] ?? '');
    // Below the statement kind, the function the assertion calls goes before the ones it delegates to.
    const level = calleeLevels.get(key);
    if (level !== undefined) score += LEVEL_PRIOR * CALLEE_DECAY ** level;
    ranked.push({ suspect: { file, line, score: Math.round(score * 100_000) / 100_000 }, exact: score });
  }
  ranked.sort(
    (a, b) =>
      b.exact - a.exact || a.suspect.file.localeCompare(b.suspect.file) || a.suspect.line - b.suspect.line,
  );
  return ranked.slice(0, input.limit ?? 20).map((r) => r.suspect);
}
