/** Per-test coverage from the two sources runners can give: coverage.py dynamic contexts and V8 coverage. */
import { posix } from 'node:path';
import { isProjectPath, type TestReport } from '../feedback/index.js';
import { inlineSourceMap, lineMap, type LineMap } from './sourcemap.js';
import type { PerTestCoverage } from './rank.js';
import { normalizePath } from './rank.js';

interface CoveragePyJson {
  files?: Record<string, { contexts?: Record<string, string[]> }>;
}

/**
 * `coverage json --show-contexts` with `dynamic_context = test_function`: each line lists the tests (contexts
 * like `tests.test_x.test_mean`) that ran it. A test failed when its context is in `failedTests`.
 */
export function fromCoveragePy(json: string, failedTests: Set<string>, root?: string): PerTestCoverage {
  const data = JSON.parse(json) as CoveragePyJson;
  const byTest = new Map<string, Record<string, number[]>>();
  for (const [file, info] of Object.entries(data.files ?? {})) {
    const rel = normalizePath(file, root);
    if (rel.startsWith('/') || !isProjectPath(rel)) continue;
    for (const [line, contexts] of Object.entries(info.contexts ?? {})) {
      for (const context of contexts) {
        if (!context) continue; // import time, outside any test
        const name = context.replace(/\|run$/, '');
        let lines = byTest.get(name);
        if (!lines) byTest.set(name, (lines = {}));
        (lines[rel] ??= []).push(Number(line));
      }
    }
  }
  // Names differ by their module prefix (pytest's rootdir-relative `tests.test_x.test_y` vs coverage.py's
  // `test_x.test_y` when tests/ is no package): a context fails when one name is a dotted suffix of the other.
  const failed = (name: string) =>
    failedTests.has(name) || [...failedTests].some((f) => f.endsWith(`.${name}`) || name.endsWith(`.${f}`));
  return { tests: [...byTest].map(([name, lines]) => ({ name, failed: failed(name), lines })) };
}

export interface V8Script {
  url: string;
  functions: Array<{ ranges: Array<{ startOffset: number; endOffset: number; count: number }> }>;
}

/** Lines with a non-zero count in one V8 script's block coverage (the innermost range decides a line). */
export function v8CoveredLines(script: V8Script, source: string): number[] {
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') starts.push(i + 1);
  const firstCode = starts.map((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! - 1 : source.length;
    let p = s;
    while (p < end && /\s/.test(source[p]!)) p++;
    return p < end ? p : -1;
  });
  const counts = new Array<number | undefined>(starts.length).fill(undefined);
  const ranges = script.functions.flatMap((f) => f.ranges);
  ranges.sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
  for (const r of ranges) {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= r.startOffset) lo = mid;
      else hi = mid - 1;
    }
    for (let line = lo; line < starts.length && starts[line]! < r.endOffset; line++) {
      const at = firstCode[line]!;
      if (at >= r.startOffset && at < r.endOffset) counts[line] = r.count;
    }
  }
  const out: number[] = [];
  counts.forEach((c, i) => {
    if (c !== undefined && c > 0) out.push(i + 1);
  });
  return out;
}

export interface NodeTest {
  /** The test's full title when the hook saw the runner's tests; null for a whole process. */
  name: string | null;
  file: string | null;
  failed: boolean | null;
  /** `map` and `code`: the source map V8 recorded for a script (tsc's `.js.map`, tsx's inline map) and the
   * generated code it ran, read back in the sandbox after the run. */
  scripts: Array<{ file: string; functions: V8Script['functions']; map?: unknown; code?: string }>;
}

const NODE_TEST_FILE = /(^|\/)(tests?|__tests__)\/.*\.[cm]?[jt]sx?$|\.(test|spec)\.[cm]?[jt]sx?$/;

/** Test files a report says failed (from the failures' files, frames and names). */
function failedTestFiles(report: TestReport, root: string): Set<string> {
  const out = new Set<string>();
  const rel = (f: string) => normalizePath(f, root);
  for (const f of report.failures) {
    for (const file of [f.file, ...f.frames.map((x) => x.file), f.test]) {
      if (file && NODE_TEST_FILE.test(rel(file))) out.add(rel(file));
    }
  }
  return out;
}

/**
 * The hook's records as per-test coverage: a record with a name is one test (its pass/fail from the runner); a
 * whole process (node:test runs each test file in one, vitest forks) is one test named by the test file it ran,
 * failed when the report has a failure in that file. Scripts whose source on disk is not what V8 ran (transpiled
 * TypeScript without a source map, ranges past the end of the file) are left out.
 */
/** The original file (workspace path) and line map of a V8-recorded source map of the script at `rel`. */
function sourceOf(map: unknown, rel: string, root: string): { file: string; map: LineMap } | undefined {
  const m = map as { mappings?: unknown; sources?: unknown; sourceRoot?: unknown } | undefined;
  if (!m || typeof m.mappings !== 'string' || !Array.isArray(m.sources) || typeof m.sources[0] !== 'string')
    return undefined;
  let source = m.sources[0];
  if (source.startsWith('file://')) source = decodeURIComponent(source.slice(7));
  const file = source.startsWith('/')
    ? normalizePath(source, root)
    : posix.normalize(
        posix.join(posix.dirname(rel), typeof m.sourceRoot === 'string' ? m.sourceRoot : '', source),
      );
  if (file.startsWith('/') || file.startsWith('..') || !isProjectPath(file)) return undefined;
  return { file, map: lineMap(m.mappings) };
}

export function fromNodeTests(
  tests: NodeTest[],
  options: {
    root: string;
    readSource: (file: string) => string | undefined;
    report: TestReport;
    /** The code V8 ran for files a runner transformed (babel-jest, vite-node), with their inline source maps. */
    transformed?: Record<string, string>;
  },
): PerTestCoverage {
  const maps = new Map<string, LineMap | null>();
  const mapOf = (rel: string) => {
    if (!maps.has(rel)) {
      const map = inlineSourceMap(options.transformed![rel]!);
      maps.set(rel, map ? lineMap(map.mappings) : null);
    }
    return maps.get(rel)!;
  };
  const failedFiles = failedTestFiles(options.report, options.root);
  const out: PerTestCoverage['tests'] = [];
  const seen = new Map<string, number>();
  for (const test of tests) {
    const lines: Record<string, number[]> = {};
    let testFile: string | undefined;
    for (const script of test.scripts) {
      const rel = normalizePath(script.file, options.root);
      if (rel.startsWith('/') || !isProjectPath(rel)) continue;
      const code = options.transformed?.[rel];
      if (code !== undefined) {
        // Offsets are into the transformed code: its lines go back to the file's through the inline map.
        const map = mapOf(rel);
        if (!map) continue;
        const generated = v8CoveredLines({ url: rel, functions: script.functions }, code);
        lines[rel] = [...new Set(generated.flatMap((l) => map.original(l)))].sort((a, b) => a - b);
      } else if (script.code !== undefined && sourceOf(script.map, rel, options.root)) {
        // compiled output with a source map (tsc `sourceMap`, tsx): its lines are the original file's
        const { file, map } = sourceOf(script.map, rel, options.root)!;
        const generated = v8CoveredLines({ url: rel, functions: script.functions }, script.code);
        const mapped = generated.flatMap((l) => map.original(l));
        lines[file] = [...new Set([...(lines[file] ?? []), ...mapped])].sort((a, b) => a - b);
      } else {
        const source = options.readSource(rel);
        if (source === undefined) continue;
        const end = Math.max(0, ...script.functions.flatMap((f) => f.ranges.map((r) => r.endOffset)));
        if (end > source.length + 1 || /\.[cm]?tsx?$/.test(rel)) continue;
        lines[rel] = v8CoveredLines({ url: rel, functions: script.functions }, source);
      }
      if (NODE_TEST_FILE.test(rel)) testFile ??= rel;
    }
    if (test.name !== null) {
      const base = test.file ? `${normalizePath(test.file, options.root)} › ${test.name}` : test.name;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      out.push({ name: n > 1 ? `${base} #${n}` : base, failed: test.failed === true, lines });
    } else if (testFile) {
      out.push({ name: testFile, failed: failedFiles.has(testFile), lines });
    }
  }
  return { tests: out };
}

/** Lines added or changed per file, from a unified diff (`git diff -U0`). */
export function changedLinesFromDiff(diff: string): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  let file: string | null = null;
  for (const line of diff.split('\n')) {
    const target = /^\+\+\+ (?:b\/)?(.+)$/.exec(line);
    if (target) {
      file = target[1] === '/dev/null' ? null : target[1]!;
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && file) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      // A pure deletion (count 0) marks the line after it, where the removed code used to be.
      const lines = count === 0 ? [Math.max(1, start)] : Array.from({ length: count }, (_, i) => start + i);
      (out[file] ??= []).push(...lines);
    }
  }
  return out;
}
