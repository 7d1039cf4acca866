/**
 * Ranks suspicious lines from three signals: spectrum-based ranking (Ochiai) over per-test coverage, the frames of
 * the failures (innermost project frame first) and the lines the change touched. Pure: no I/O.
 */
import type { TestReport } from '../feedback/index.js';

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
}

// Weights of the three signals; spectrum dominates when coverage exists (see docs/feedback.md).
const WITH_COVERAGE = { spectrum: 0.6, frames: 0.3, changed: 0.1 };
const WITHOUT_COVERAGE = { spectrum: 0, frames: 0.7, changed: 0.3 };
const TEST_FILE =
  /(^|\/)(tests?|__tests__|spec)\/|(^|\/)test_[^/]*\.py$|_test\.(py|go)$|\.(test|spec)\.[cm]?[jt]sx?$/;

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

/** Frame signal: each failure gives its k-th project frame (innermost first) 1/(k+1), averaged over failures. */
function frameScores(reports: TestReport[], root?: string): Map<string, number> {
  const scores = new Map<string, number>();
  const failures = reports.flatMap((r) => r.failures);
  for (const failure of failures) {
    const seen = new Set<string>();
    const frames = failure.frames.filter((f) => f.inProject);
    const located = frames.length
      ? frames
      : failure.file && failure.line
        ? [{ file: failure.file, line: failure.line }]
        : [];
    located.forEach((f, k) => {
      const key = `${normalizePath(f.file, root)}:${f.line}`;
      if (seen.has(key)) return;
      seen.add(key);
      scores.set(key, (scores.get(key) ?? 0) + 1 / (k + 1));
    });
  }
  for (const [key, s] of scores) scores.set(key, s / Math.max(1, failures.length));
  return scores;
}

export function rankSuspicious(input: RankInput): Suspect[] {
  const spectrum = input.coverage ? ochiai(input.coverage, input.root) : new Map<string, number>();
  const weights = spectrum.size ? WITH_COVERAGE : WITHOUT_COVERAGE;
  const frames = frameScores(input.reports, input.root);
  const changed = new Set<string>();
  for (const [file, lines] of Object.entries(input.changedLines ?? {})) {
    for (const line of lines) changed.add(`${normalizePath(file, input.root)}:${line}`);
  }
  const keys = new Set([...spectrum.keys(), ...frames.keys(), ...changed]);
  const suspects: Suspect[] = [];
  for (const key of keys) {
    const at = key.lastIndexOf(':');
    const file = key.slice(0, at);
    const line = Number(key.slice(at + 1));
    // A test file's own lines run only in tests: they say less about the fault than the code under test.
    const spectral = (spectrum.get(key) ?? 0) * (TEST_FILE.test(file) ? 0.5 : 1);
    const score =
      weights.spectrum * spectral +
      weights.frames * (frames.get(key) ?? 0) +
      weights.changed * (changed.has(key) ? 1 : 0);
    if (score > 0) suspects.push({ file, line, score: Math.round(score * 10_000) / 10_000 });
  }
  suspects.sort((a, b) => b.score - a.score || a.file.localeCompare(b.file) || a.line - b.line);
  return suspects.slice(0, input.limit ?? 20);
}
