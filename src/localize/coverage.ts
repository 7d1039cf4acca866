/** Per-test coverage from the two sources runners can give: coverage.py dynamic contexts and V8 coverage. */
import { isProjectPath } from '../feedback/index.js';
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
  return { tests: [...byTest].map(([name, lines]) => ({ name, failed: failedTests.has(name), lines })) };
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

/**
 * One V8 coverage file per node process: with `node --test` each test file runs in its own process, so a process
 * is a "test" named by its test file, failed when that file had a failing test.
 */
export function fromV8Processes(
  processes: V8Script[][],
  options: {
    root: string;
    readSource: (file: string) => string | undefined;
    isTestFile: (file: string) => boolean;
    failedFiles: Set<string>;
  },
): PerTestCoverage {
  const tests: PerTestCoverage['tests'] = [];
  for (const scripts of processes) {
    const lines: Record<string, number[]> = {};
    let testFile: string | undefined;
    for (const script of scripts) {
      if (!script.url.startsWith('file://')) continue;
      const rel = normalizePath(script.url, options.root);
      if (rel.startsWith('/') || rel.includes('node_modules/')) continue;
      const source = options.readSource(rel);
      if (source === undefined) continue;
      lines[rel] = v8CoveredLines(script, source);
      if (options.isTestFile(rel)) testFile = rel;
    }
    if (testFile) tests.push({ name: testFile, failed: options.failedFiles.has(testFile), lines });
  }
  return { tests };
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
