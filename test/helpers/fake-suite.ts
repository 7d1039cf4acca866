import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Failure, TestReport } from '../../src/feedback/index.js';
import type { Analyzer } from '../../src/repair/index.js';
import type { FakeHandler } from './fake-sandbox.js';

/** A test passes when its check returns true; otherwise the check returns the failure message. */
export type FakeTest = (read: (path: string) => string) => true | string;

/**
 * A tiny test runner over the workspace files, printing `PASS name` / `FAIL name: message` and a summary line, as a
 * stand-in for a real runner in fast loop tests. `runs` counts its invocations.
 */
export function fakeSuite(
  root: string,
  tests: Record<string, FakeTest>,
  options: { flaky?: { test: string; runs: number[] } } = {},
) {
  const state = { runs: 0 };
  const handler: FakeHandler = (command) => {
    if (!command.startsWith('run-tests')) return { exitCode: 127, stderr: `sh: ${command}: not found` };
    state.runs++;
    const read = (path: string): string => {
      try {
        return readFileSync(join(root, path), 'utf8');
      } catch {
        return '';
      }
    };
    const selected = command.split(' ').slice(1);
    const lines: string[] = [];
    let failed = 0;
    let passed = 0;
    for (const [name, check] of Object.entries(tests)) {
      if (selected.length > 0 && !selected.includes(name)) continue;
      let result = check(read);
      if (options.flaky?.test === name && options.flaky.runs.includes(state.runs)) result = 'flaked';
      if (result === true) {
        passed++;
        lines.push(`PASS ${name}`);
      } else {
        failed++;
        lines.push(`FAIL ${name}: ${result}`);
      }
    }
    lines.push(`${passed} passed, ${failed} failed`);
    return { exitCode: failed > 0 ? 1 : 0, stdout: lines.join('\n') + '\n', durationMs: 5 };
  };
  return { handler, state };
}

/** Parser of the fake runner's output, with the same shape as feedback/'s parsers. */
export const fakeAnalyzer: Analyzer = {
  parse(output: string): TestReport {
    const failures: Failure[] = [];
    let passed = 0;
    for (const line of output.split('\n')) {
      const fail = /^FAIL (\S+): (.*)$/.exec(line);
      if (fail) failures.push({ test: fail[1]!, kind: 'AssertionError', message: fail[2]!, frames: [] });
      if (line.startsWith('PASS ')) passed++;
    }
    return { runner: 'fake', passed, failed: failures.length, skipped: 0, failures };
  },
  render(report: TestReport): string {
    return report.failures.map((f) => `${f.test}: ${f.kind}: ${f.message}`).join('\n') || 'no failures';
  },
  signature(report: TestReport): string {
    return report.failures
      .map((f) => `${f.test}:${f.kind}:${f.message}`)
      .sort()
      .join('|');
  },
};
