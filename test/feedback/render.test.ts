import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  estimateTokens,
  failureSignature,
  parseTestOutput,
  renderFeedback,
  type TestReport,
} from '../../src/feedback/index.js';

const fixtures = new URL('../fixtures/feedback/', import.meta.url).pathname;
const report = (name: string) => parseTestOutput(readFileSync(join(fixtures, name), 'utf8'));

// The sources the pytest fixtures were produced from, as generate.sh writes them.
const sources: Record<string, string> = {
  'calc/stats.py': [
    'def mean(values):',
    '    total = sum(values)',
    '    return total // len(values)',
    '',
    '',
    'def normalize(record):',
    '    name = record["name"].strip()',
    '    return {"name": name.title(), "age": int(record["age"])}',
  ].join('\n'),
};

describe('renderFeedback', () => {
  it('shows the code around the innermost project frame with the line marked, locals and called-from', () => {
    const text = renderFeedback(report('pytest/showlocals.log'), { readSource: (f) => sources[f] });
    expect(text).toContain(
      "✗ tests/test_stats.py::test_normalize_missing_age\n  KeyError: 'age'\n  at calc/stats.py:8",
    );
    expect(text).toContain('  > 8 |     return {"name": name.title(), "age": int(record["age"])}');
    expect(text).toContain('    7 |     name = record["name"].strip()');
    expect(text).toContain("  local name = 'ada'");
    expect(text).toContain('  called from tests/test_stats.py:22');
    expect(text).toContain('  expected: 2.5\n  actual:   2');
    expect(text.startsWith('pytest: 5 failed, 3 passed, 2 skipped')).toBe(true);
  });

  it('deduplicates identical failures as × N and names the other tests', () => {
    const one = report('cargo/default.log');
    const many: TestReport = {
      ...one,
      failed: 30,
      failures: Array.from({ length: 30 }, (_, i) => ({ ...one.failures[2]!, test: `tests::case_${i}` })),
    };
    const text = renderFeedback(many);
    expect(text).toContain('✗ tests::case_0 × 30');
    expect(text).toContain('also: tests::case_1, tests::case_2, tests::case_3, tests::case_4, …');
    expect(text.match(/✗ /g)).toHaveLength(1);
  });

  it('stays within the token budget, keeps the most informative first and says what was left out', () => {
    const r = report('pytest/long.log');
    for (const budget of [60, 120, 300, 1500]) {
      const text = renderFeedback(r, { tokenBudget: budget });
      expect(estimateTokens(text)).toBeLessThanOrEqual(budget + 10);
    }
    const small = renderFeedback(r, { tokenBudget: 120 });
    expect(small).toMatch(/… \d+ more failures \(\d+ distinct\) left out to fit 120 tokens; at /);
    const full = renderFeedback(r);
    expect(full.indexOf('test_mean_of_integers')).toBeLessThan(full.indexOf('test_xpass_strict'));
    for (const f of r.failures) expect(full).toContain(f.line ? `${f.file}:${f.line}` : f.file!);
  });

  it('says when the run failed but no failure could be extracted', () => {
    expect(renderFeedback({ runner: 'unknown', passed: 0, failed: 2, skipped: 0, failures: [] })).toMatch(
      /no failure details/,
    );
  });
});

describe('failureSignature', () => {
  it('is stable across runs of the same failures and changes when a failure changes', () => {
    // auto.log and long.log are two runs of the same suite (different timings).
    expect(failureSignature(report('pytest/auto.log'))).toBe(failureSignature(report('pytest/long.log')));
    expect(failureSignature(report('pytest/short.log'))).not.toBe(
      failureSignature(report('pytest/showlocals.log')),
    );
  });
});
