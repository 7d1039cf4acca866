import {
  coverageFromOutput,
  describeScore,
  loadTypeScript,
  qualityScore,
  scoreCandidate,
  tsFunctionComplexities,
} from '../../src/score/index.js';
import type { TestReport } from '../../src/feedback/index.js';
import { LocalSandbox } from '../helpers/fake-sandbox.js';
import { tempRepo } from '../helpers/tmp.js';

const report = (passed: number, failed: string[]): TestReport => ({
  runner: 'pytest',
  passed,
  failed: failed.length,
  skipped: 0,
  failures: failed.map((test) => ({ test, kind: 'AssertionError', message: 'x', frames: [] })),
});

describe('quality score', () => {
  it('is 1 for a green, tiny change, and drops with failures, new failures and size', () => {
    expect(qualityScore({ testsPassing: 1, newFailures: 0, diffLines: 0 }).value).toBe(1);
    const green = qualityScore({ testsPassing: 1, newFailures: 0, diffLines: 2 }).value;
    const big = qualityScore({ testsPassing: 1, newFailures: 0, diffLines: 200 }).value;
    const broken = qualityScore({ testsPassing: 0.8, newFailures: 1, diffLines: 2 }).value;
    expect(green).toBeGreaterThan(big);
    expect(big).toBeGreaterThan(broken);
    expect(broken).toBeGreaterThanOrEqual(0);
  });

  it('counts complexity added, lint findings and coverage lost against a candidate', () => {
    const base = { testsPassing: 1, newFailures: 0, diffLines: 4 };
    const simple = qualityScore({ ...base, complexityDelta: 0, lintFindings: 0, coverageDelta: 0 }).value;
    expect(
      qualityScore({ ...base, complexityDelta: 6, lintFindings: 0, coverageDelta: 0 }).value,
    ).toBeLessThan(simple);
    expect(
      qualityScore({ ...base, complexityDelta: 0, lintFindings: 2, coverageDelta: 0 }).value,
    ).toBeLessThan(simple);
    expect(
      qualityScore({ ...base, complexityDelta: 0, lintFindings: 0, coverageDelta: -5 }).value,
    ).toBeLessThan(simple);
    expect(describeScore(qualityScore({ ...base, complexityDelta: 2 }))).toBe(
      '0.96 (tests 100%, new failures 0, complexity +2, diff 4 lines)',
    );
  });

  it('reads line coverage printed by coverage.py, istanbul and go', () => {
    expect(coverageFromOutput('Name    Stmts   Miss  Cover\n----\nTOTAL      40      6    85%\n')).toBe(85);
    expect(coverageFromOutput('All files |   91.3 |     80 |\n')).toBe(91.3);
    expect(coverageFromOutput('ok  \tx\t0.1s\tcoverage: 72.5% of statements\n')).toBe(72.5);
    expect(coverageFromOutput('5 passed')).toBeUndefined();
  });

  it('measures cyclomatic complexity of JS/TS functions with the TypeScript compiler API', async () => {
    const ts = (await loadTypeScript())!;
    const fns = tsFunctionComplexities(
      ts,
      'a.ts',
      'function f(x: number) {\n  if (x > 1 && x < 5) return 1;\n  for (const y of [1]) { x += y ?? 0; }\n  return x > 2 ? 1 : 0;\n}\nconst g = () => 1;\n',
    );
    expect(fns).toEqual([
      { name: 'f', startLine: 1, endLine: 5, complexity: 6 },
      { name: 'g', startLine: 6, endLine: 6, complexity: 1 },
    ]);
  });

  it('scores a candidate with Python complexity from `ast` run in the sandbox', async () => {
    const repo = tempRepo({});
    try {
      const before = 'def f(x):\n    return x\n';
      const after = 'def f(x):\n    if x > 0 and x < 9:\n        return x\n    return -x\n';
      const scored = await scoreCandidate({
        report: report(3, []),
        exitCode: 0,
        baseline: report(2, ['t::a']),
        edits: [{ path: 'm.py', before, after }],
        output: '3 passed',
        baselineOutput: '1 failed, 2 passed',
        sandbox: new LocalSandbox(repo.root),
      });
      expect(scored.functions).toEqual([{ file: 'm.py', name: 'f', before: 1, after: 3 }]);
      expect(scored.parts).toMatchObject({
        testsPassing: 1,
        newFailures: 0,
        complexityDelta: 2,
        diffLines: 4,
      });
      expect(scored.value).toBeGreaterThan(0.9);
      expect(scored.value).toBeLessThan(1);
    } finally {
      repo.cleanup();
    }
  });

  it('counts tests failing now that passed at the baseline as new failures', async () => {
    const scored = await scoreCandidate({
      report: report(1, ['t::a', 't::b']),
      exitCode: 1,
      baseline: report(2, ['t::a']),
      edits: [],
      output: '',
      baselineOutput: '',
    });
    expect(scored.parts).toMatchObject({ testsPassing: 1 / 3, newFailures: 1, diffLines: 0 });
  });
});
