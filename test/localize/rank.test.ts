import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseTestOutput } from '../../src/feedback/index.js';
import {
  changedLinesFromDiff,
  fromCoveragePy,
  ochiai,
  rankSuspicious,
  v8CoveredLines,
  type V8Script,
} from '../../src/localize/index.js';

const fixtures = new URL('../fixtures/feedback/', import.meta.url).pathname;

describe('rankSuspicious', () => {
  it('ranks the innermost project frame of each failure first when there is no coverage', () => {
    const report = parseTestOutput(readFileSync(join(fixtures, 'pytest/long.log'), 'utf8'));
    const ranked = rankSuspicious({ reports: [report] });
    const top = ranked.slice(0, 3).map((s) => `${s.file}:${s.line}`);
    expect(top).toContain('calc/stats.py:8');
    expect(top).toContain('calc/text.py:2');
    // The test line that called the helper ranks below the helper line.
    const helper = ranked.find((s) => s.file === 'calc/stats.py' && s.line === 8)!;
    const caller = ranked.find((s) => s.file === 'tests/test_stats.py' && s.line === 22)!;
    expect(helper.score).toBeGreaterThan(caller.score);
  });

  it('strips the sandbox workdir so printed absolute paths meet repo-relative ones', () => {
    const report = parseTestOutput(readFileSync(join(fixtures, 'generic/python-crash.log'), 'utf8'));
    const ranked = rankSuspicious({
      reports: [report],
      root: '/tmp/mimo-fb/generic',
      changedLines: { 'calc/stats.py': [8] },
    });
    expect(ranked[0]).toMatchObject({ file: 'calc/stats.py', line: 8 });
  });

  it('Ochiai: a line run only by failing tests scores 1, one run by every test scores less', () => {
    const coverage = {
      tests: [
        { name: 'a', failed: true, lines: { 'm.py': [1, 2, 3] } },
        { name: 'b', failed: false, lines: { 'm.py': [1, 2] } },
        { name: 'c', failed: false, lines: { 'm.py': [1] } },
      ],
    };
    const s = ochiai(coverage);
    expect(s.get('m.py:3')).toBe(1);
    expect(s.get('m.py:2')).toBeCloseTo(1 / Math.sqrt(2));
    expect(s.get('m.py:1')).toBeCloseTo(1 / Math.sqrt(3));
    expect(rankSuspicious({ reports: [], coverage })[0]).toMatchObject({ file: 'm.py', line: 3 });
  });

  it('reads coverage.py contexts, ignoring import-time lines', () => {
    const json = JSON.stringify({
      files: {
        'pricing.py': {
          contexts: {
            '1': [''],
            '21': ['tests.test_pricing.test_bulk_medium_order'],
            '22': ['tests.test_pricing.test_bulk_small_order'],
          },
        },
      },
    });
    const cov = fromCoveragePy(json, new Set(['tests.test_pricing.test_bulk_medium_order']));
    expect(cov.tests).toEqual([
      { name: 'tests.test_pricing.test_bulk_medium_order', failed: true, lines: { 'pricing.py': [21] } },
      { name: 'tests.test_pricing.test_bulk_small_order', failed: false, lines: { 'pricing.py': [22] } },
    ]);
  });

  it('turns real V8 block coverage into the executed lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimo-v8-'));
    const source = [
      'function pick(x) {',
      '  if (x > 1) {',
      '    return "big";',
      '  }',
      '  return "small";',
      '}',
      'pick(0);',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'pick.js'), source);
    execFileSync(process.execPath, [join(dir, 'pick.js')], {
      env: { ...process.env, NODE_V8_COVERAGE: join(dir, 'cov') },
    });
    const file = readdirSync(join(dir, 'cov'))[0]!;
    const result = (JSON.parse(readFileSync(join(dir, 'cov', file), 'utf8')) as { result: V8Script[] })
      .result;
    const script = result.find((s) => s.url.endsWith('/pick.js'))!;
    const lines = v8CoveredLines(script, source);
    expect(lines).toContain(2);
    expect(lines).toContain(5);
    expect(lines).toContain(7);
    expect(lines).not.toContain(3);
  });

  it('reads changed lines from a unified diff', () => {
    const diff = [
      'diff --git a/pricing.py b/pricing.py',
      '--- a/pricing.py',
      '+++ b/pricing.py',
      '@@ -21 +21 @@ def bulk_discount(quantity):',
      '-        return 10',
      '+        return 5',
      '@@ -30,2 +31,3 @@',
      '--- a/gone.py',
      '+++ /dev/null',
      '@@ -1,3 +0,0 @@',
    ].join('\n');
    expect(changedLinesFromDiff(diff)).toEqual({ 'pricing.py': [21, 31, 32, 33] });
  });
});

describe('rankSuspicious: callee with per-test coverage', () => {
  // parse() is what every test calls; the bug is in assign(), which parse() delegates to and only some tests reach.
  const sources: Record<string, string> = {
    'lib/parse.js': [
      'function assign(target, key, index) {', // 1
      '  if (index <= 3) target[index] = key;', // 2 (bug)
      '  else target.push(key);', // 3
      '}', // 4
      'function parse(text) {', // 5
      '  const out = [];', // 6
      '  for (const part of text.split("&")) {', // 7
      '    if (part.includes("[")) assign(out, part, Number(part[2]));', // 8
      '    else out.push(part);', // 9
      '  }', // 10
      '  return out;', // 11
      '}', // 12
      '',
    ].join('\n'),
    'test/parse.test.js': [
      "it('limit', () => {",
      "  assert.deepEqual(parse('a[3]'), ['a[3]']);",
      '});',
      '',
    ].join('\n'),
  };
  const entry = [5, 6, 7, 8, 11];
  const coverage = {
    tests: [
      { name: 'limit', failed: true, lines: { 'lib/parse.js': [...entry, 1, 2] } },
      { name: 'index', failed: false, lines: { 'lib/parse.js': [...entry, 1, 2] } },
      { name: 'flat', failed: false, lines: { 'lib/parse.js': [...entry, 9] } },
      { name: 'flat2', failed: false, lines: { 'lib/parse.js': [...entry, 9] } },
      { name: 'flat3', failed: false, lines: { 'lib/parse.js': [...entry, 9] } },
    ],
  };
  const report = {
    runner: 'mocha',
    passed: 4,
    failed: 1,
    skipped: 0,
    failures: [
      {
        test: 'limit',
        kind: 'assertion',
        message: 'expected',
        frames: [{ file: 'test/parse.test.js', line: 2, inProject: true }],
      },
    ],
  } as unknown as Parameters<typeof rankSuspicious>[0]['reports'][number];

  it('ranks the helper line the failing test ran above the body of the entry function every test calls', () => {
    const ranked = rankSuspicious({ reports: [report], coverage, readSource: (f) => sources[f] });
    const rank = (line: number) => ranked.findIndex((s) => s.file === 'lib/parse.js' && s.line === line);
    expect(rank(2)).toBeGreaterThanOrEqual(0);
    for (const line of entry) expect(rank(2)).toBeLessThan(rank(line));
    // A callee line no failing test ran (the flat branch) gets nothing from the callee signal.
    expect(rank(9)).toBe(-1);
  });
});

describe('rankSuspicious: callee levels', () => {
  // Cargo-style (no coverage): the assertion calls fill(), which delegates to wrap(), which delegates to wrap_with().
  const sources: Record<string, string> = {
    'src/lib.rs': [
      'pub fn fill(text: &str) -> String {', // 1
      '    wrap(text).join("-")', // 2
      '}', // 3
      "pub fn wrap(text: &str) -> Vec<&'_ str> {", // 4
      '    wrap_with(text, 3)', // 5
      '}', // 6
      'pub fn wrap_with(text: &str, width: usize) -> Vec<&str> {', // 7
      '    let n = width + 1;', // 8
      '    text.split(" ").take(n).collect()', // 9
      '}', // 10
      'pub fn unrelated() -> u32 {', // 11
      '    41 + 1', // 12
      '}', // 13
      '',
    ].join('\n'),
    'tests/wrap.rs': ['#[test]', 'fn fills() {', '    assert_eq!(fill("a b"), "a-b");', '}', ''].join('\n'),
  };
  const report = {
    runner: 'cargo',
    passed: 0,
    failed: 1,
    skipped: 0,
    failures: [
      {
        test: 'fills',
        kind: 'panic',
        message: 'assertion failed',
        frames: [{ file: 'tests/wrap.rs', line: 3, inProject: true }],
      },
    ],
  } as unknown as Parameters<typeof rankSuspicious>[0]['reports'][number];

  it('follows the calls of the called function, nearer levels first, never an unrelated function', () => {
    const ranked = rankSuspicious({
      reports: [report],
      readSource: (f) => sources[f],
      sourceFiles: ['src/lib.rs', 'tests/wrap.rs'],
    });
    const score = (line: number) =>
      ranked.find((s) => s.file === 'src/lib.rs' && s.line === line)?.score ?? 0;
    expect(score(8)).toBeGreaterThan(0);
    expect(score(2)).toBeGreaterThan(score(5));
    expect(score(5)).toBeGreaterThan(score(9));
    expect(score(12)).toBe(0);
  });
});

describe('rankSuspicious: doctests', () => {
  it("takes the function a failing doctest's `>>>` example calls as the callee", () => {
    const source = [
      'def double(n):', // 1
      '    """Twice n.', // 2
      '', // 3
      '    >>> double(2)', // 4
      '    4', // 5
      '    """', // 6
      '    return n + n + 1', // 7
      '', // 8
      '', // 9
      'def other(n):', // 10
      '    return n - 1', // 11
      '',
    ].join('\n');
    const report = {
      runner: 'pytest',
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [
        {
          test: '[doctest] calc.double',
          kind: 'assertion',
          message: 'Expected 4, got 5',
          frames: [{ file: '/w/calc.py', line: 4, inProject: true }],
        },
      ],
    } as unknown as Parameters<typeof rankSuspicious>[0]['reports'][number];
    const ranked = rankSuspicious({
      reports: [report],
      root: '/w',
      readSource: (f) => (f === 'calc.py' ? source : undefined),
      sourceFiles: ['calc.py'],
    });
    expect(ranked[0]).toMatchObject({ file: 'calc.py', line: 7 });
    expect(ranked.some((s) => s.line === 11)).toBe(false);
  });
});
