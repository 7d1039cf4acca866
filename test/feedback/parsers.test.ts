// Every output under test/fixtures/feedback was produced by the real runner (generate.sh); the expected JSON next
// to it was reviewed by hand. Each report must equal it field for field, and a hand-written spot check per runner
// pins the facts a developer would look at first (test, file:line, kind, expected/actual).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectRunner, parseTestOutput, type Failure, type TestReport } from '../../src/feedback/index.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const fixtures = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(root, d.name))
      .filter((f) => /\.(log|xml|trx)$/.test(f))
      .map((f) => `${d.name}/${f}`),
  );

function raw(name: string): string {
  return readFileSync(join(root, name), 'utf8');
}

function expected(name: string): TestReport {
  return JSON.parse(
    readFileSync(join(root, name.replace(/\.(log|xml|trx)$/, '.expected.json')), 'utf8'),
  ) as TestReport;
}

function parsed(name: string): TestReport {
  return parseTestOutput(raw(name));
}

function find(report: TestReport, test: string): Failure {
  const f = report.failures.find((x) => x.test === test);
  if (!f) throw new Error(`no failure named ${test} in ${report.failures.map((x) => x.test).join(', ')}`);
  return f;
}

describe('parsers on real runner outputs', () => {
  it('has at least three outputs for every runner', () => {
    const perDir = new Map<string, number>();
    for (const f of fixtures) perDir.set(f.split('/')[0]!, (perDir.get(f.split('/')[0]!) ?? 0) + 1);
    for (const dir of [
      'pytest',
      'unittest',
      'jest',
      'vitest',
      'mocha',
      'node-test',
      'tsc',
      'eslint',
      'go',
      'cargo',
      'junit',
      'generic',
    ]) {
      expect(perDir.get(dir) ?? 0).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(fixtures)('%s equals its hand-checked expected report', (name) => {
    expect(parsed(name)).toEqual(expected(name));
  });

  it.each(fixtures)('%s never names a framework or dependency file as the failure location', (name) => {
    for (const f of parsed(name).failures) {
      expect(f.file ?? '').not.toMatch(
        /node_modules|site-packages|dist-packages|^node:|\/usr\/lib\/|\/rustc\//,
      );
    }
  });
});

describe('what a developer looks at first', () => {
  it('pytest long: helper exception points into the helper, with the test frame behind it', () => {
    const r = parsed('pytest/long.log');
    expect([r.runner, r.passed, r.failed, r.skipped]).toEqual(['pytest', 3, 8, 2]);
    const f = find(r, 'tests/test_stats.py::test_normalize_missing_age');
    expect([f.file, f.line, f.kind, f.message]).toEqual(['calc/stats.py', 8, 'KeyError', "'age'"]);
    expect(f.frames.map((x) => `${x.file}:${x.line}`)).toEqual(['calc/stats.py:8', 'tests/test_stats.py:22']);
    const m = find(r, 'tests/test_stats.py::test_mean_of_integers');
    expect([m.kind, m.expected, m.actual, m.line]).toEqual(['AssertionError', '2.5', '2', 13]);
    expect(find(r, 'tests/test_stats.py::test_explicit_fail').kind).toBe('Failed');
    expect(find(r, 'tests/test_stats.py::test_xpass_strict').kind).toBe('XPASS(strict)');
    expect(find(r, 'tests/test_stats.py::test_uses_database').kind).toBe('ConnectionError');
  });

  it('pytest --showlocals: locals of the innermost frame', () => {
    const f = find(parsed('pytest/showlocals.log'), 'tests/test_stats.py::test_normalize_missing_age');
    expect(f.locals).toEqual({ record: "{'name': ' ada '}", name: "'ada'" });
  });

  it('pytest 9 (as users run it): same failures, locals indented under their frame in --tb=short -l', () => {
    const long = parsed('pytest/new-long.log');
    expect(long.failures.map((f) => `${f.test} ${f.file}:${f.line ?? ''} ${f.kind}`)).toEqual(
      parsed('pytest/long.log').failures.map((f) => `${f.test} ${f.file}:${f.line ?? ''} ${f.kind}`),
    );
    const f = find(parsed('pytest/new-short-locals.log'), 'tests/test_stats.py::test_normalize_missing_age');
    expect(f.locals).toEqual({ name: "'ada'", record: "{'name': ' ada '}" });
  });

  it("pytest: the test's captured output is not taken for locals", () => {
    const f = find(parsed('pytest/captured.log'), 'tests/test_captured.py::test_prints_then_fails');
    expect([f.line, f.expected, f.actual, f.locals]).toEqual([8, '4', '3', { total: '3' }]);
  });

  it('pytest short, line, quiet and native styles agree on locations', () => {
    for (const style of ['short', 'quiet', 'auto']) {
      const f = find(parsed(`pytest/${style}.log`), 'tests/test_text.py::test_slugify_none');
      expect([f.file, f.line, f.kind]).toEqual(['calc/text.py', 2, 'AttributeError']);
    }
    const line = find(parsed('pytest/line.log'), 'tests/test_text.py::test_slugify_none');
    expect([line.file, line.line]).toEqual(['/tmp/mimo-fb/pytest/calc/text.py', 2]);
    const native = find(parsed('pytest/native.log'), 'tests/test_text.py::test_slugify_none');
    expect([native.file, native.line]).toEqual(['/tmp/mimo-fb/pytest/calc/text.py', 2]);
  });

  it('pytest collection errors: import error and syntax error', () => {
    const r = parsed('pytest/collection-error.log');
    expect(r.failed).toBe(2);
    const imp = find(r, 'tests/test_broken.py');
    expect([imp.file, imp.line, imp.kind, imp.message]).toEqual([
      'tests/test_broken.py',
      1,
      'ModuleNotFoundError',
      "No module named 'calc.missing'",
    ]);
    const syn = find(r, 'tests/test_syntax.py');
    expect([syn.file, syn.line, syn.kind]).toEqual([
      '/tmp/mimo-fb/pytest/tests/test_syntax.py',
      1,
      'SyntaxError',
    ]);
  });

  it('unittest: ids, assertion values and loader import errors', () => {
    const r = parsed('unittest/import-error.log');
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 4, 1]);
    expect(find(r, 'tests.test_imports').kind).toBe('ModuleNotFoundError');
    const m = find(r, 'tests.test_unit.StatsTest.test_mean');
    expect([m.expected, m.actual, m.line]).toEqual(['2.5', '2', 8]);
    expect(find(r, 'tests.test_unit.StatsTest.test_normalize').file).toBe(
      '/tmp/mimo-fb/unittest/calc/stats.py',
    );
  });

  it('jest: expected/received, helper TypeError, timeout, suite that failed to run', () => {
    const r = parsed('jest/default.log');
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 5, 1]);
    const t = find(r, 'cart › total multiplies price by quantity');
    expect([t.file, t.line, t.kind, t.expected, t.actual]).toEqual([
      'test/cart.test.js',
      5,
      'AssertionError',
      '6',
      '5',
    ]);
    expect([find(r, 'cart › coupon lookup').file, find(r, 'cart › coupon lookup').line]).toEqual([
      'src/cart.js',
      9,
    ]);
    expect(find(r, 'cart › rate arrives').kind).toBe('Timeout');
    expect(find(r, 'test/missing.test.js').message).toMatch(/Cannot find module '..\/src\/shipping'/);
    expect(parsed('jest/color.log').failures[0]!.test).toBe('test/missing.test.js');
  });

  it('vitest, mocha, node:test spec and TAP find the same facts', () => {
    const v = find(
      parsed('vitest/default.log'),
      'test/cart.test.js > cart > total multiplies price by quantity',
    );
    expect([v.expected, v.actual, v.line]).toEqual(['6', '5', 6]);
    const m = find(parsed('mocha/spec.log'), 'cart coupon lookup');
    expect([m.file, m.line, m.kind]).toEqual(['src/cart.js', 9, 'TypeError']);
    expect(parsed('mocha/module-error.log').failures[0]!.file).toBe(
      '/tmp/mimo-fb/mocha/test/missing.test.js',
    );
    for (const name of ['node-test/spec.log', 'node-test/tap.log']) {
      const r = parsed(name);
      expect(r.runner).toBe('node-test');
      expect([r.passed, r.failed, r.skipped]).toEqual([1, 5, 1]);
      expect(find(r, 'coupon lookup').file).toBe('/tmp/mimo-fb/node-test/src/cart.js');
      expect(find(r, 'rate arrives').kind).toBe('Timeout');
      const crash = find(r, '/tmp/mimo-fb/node-test/test/missing.test.js');
      expect([crash.line, crash.message.split('\n')[0]]).toEqual([3, "Cannot find module '../src/shipping'"]);
    }
  });

  it('tsc and eslint: one failure per diagnostic, the code or rule as kind', () => {
    for (const name of ['tsc/plain.log', 'tsc/pretty.log', 'tsc/ts6-plain.log']) {
      const r = parsed(name);
      expect(r.failures.map((f) => `${f.file}:${f.line} ${f.kind}`)).toEqual([
        'src/main.ts:2 TS2307',
        'src/main.ts:4 TS2353',
        'src/main.ts:5 TS2304',
        'src/price.ts:7 TS2322',
      ]);
    }
    for (const name of ['eslint/stylish.log', 'eslint/unix.log', 'junit/eslint-junit.log']) {
      const kinds = parsed(name).failures.map((f) => `${f.line} ${f.kind}`);
      expect(kinds).toEqual([
        '2 parsing-error',
        '2 no-unused-vars',
        '3 eqeqeq',
        '4 no-undef',
        '4 no-console',
        '5 no-undef',
      ]);
    }
  });

  it('go: t.Errorf, panic in a helper, timeout, build error', () => {
    const r = parsed('go/verbose.log');
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 2, 1]);
    expect([find(r, 'TestTotal').expected, find(r, 'TestTotal').actual]).toEqual(['6', '5']);
    const p = find(r, 'TestFirstOfEmpty');
    expect([p.file, p.line, p.kind]).toEqual(['/tmp/mimo-fb/go/cart/cart.go', 17, 'panic']);
    expect(find(parsed('go/timeout.log'), 'TestSlow').line).toBe(35);
    expect(parsed('go/build-error.log').failures[0]).toMatchObject({
      file: 'cart/broken.go',
      line: 4,
      kind: 'BuildError',
    });
  });

  it('cargo: assert_eq values, unwrap panic in a helper module, compile errors', () => {
    const r = parsed('cargo/default.log');
    expect([r.passed, r.failed, r.skipped]).toEqual([1, 3, 1]);
    expect(find(r, 'tests::total_multiplies')).toMatchObject({
      expected: '6',
      actual: '5',
      file: 'src/lib.rs',
      line: 13,
    });
    expect(find(parsed('cargo/backtrace.log'), 'tests::parses_quantity')).toMatchObject({
      file: 'src/util.rs',
      line: 2,
    });
    expect(parsed('cargo/compile-error.log').failures.map((f) => f.kind)).toEqual([
      'E0425',
      'E0308',
      'E0277',
    ]);
  });

  it('JUnit XML from five writers', () => {
    for (const name of [
      'junit/pytest.xml',
      'junit/jest.xml',
      'junit/vitest.xml',
      'junit/mocha-xunit.log',
      'junit/node-test-junit.log',
    ]) {
      const r = parsed(name);
      expect(r.runner).toBe('junit');
      expect(r.failed).toBeGreaterThanOrEqual(4);
      const helper = r.failures.find((f) => /coupon|normalize_missing/.test(f.test))!;
      expect(helper.kind).toMatch(/TypeError|KeyError/);
    }
  });

  it('generic tracebacks from crashing scripts', () => {
    expect(parsed('generic/python-crash.log').failures[0]).toMatchObject({
      file: '/tmp/mimo-fb/generic/calc/stats.py',
      line: 8,
      kind: 'KeyError',
    });
    expect(parsed('generic/python-chained.log').failures[0]).toMatchObject({ kind: 'ValueError', line: 8 });
    expect(parsed('generic/node-crash.log').failures[0]).toMatchObject({
      file: '/tmp/mimo-fb/generic/js/lib/config.js',
      line: 2,
      kind: 'TypeError',
    });
    expect(parsed('generic/node-esm-missing.log').runner).toBe('unknown');
  });
});

describe('held-out regressions', () => {
  it('cargo: a failing doctest is a failure at its fence line, named as libtest names it', () => {
    const r = parsed('cargo/doctest.log');
    expect([r.passed, r.failed, r.failures.length]).toEqual([2, 4, 4]);
    const d = find(r, 'src/lib.rs - average (line 3)');
    expect([d.file, d.line, d.expected, d.actual]).toEqual(['src/lib.rs', 3, '2', '1']);
    expect([find(r, 'beyond_start').file, find(r, 'beyond_start').line]).toEqual(['src/lib.rs', 12]);
  });

  it('pytest: a parametrized id with a space keeps its node id, and one-line arguments split into locals', () => {
    const r = parsed('pytest/param-ids.log');
    expect([r.passed, r.failed]).toEqual([4, 8]);
    const f = find(r, 'tests/test_param.py::test_cents[2 50-250]');
    expect([f.file, f.line, f.kind]).toEqual(['ledger/money.py', 6, 'decimal.InvalidOperation']);
    expect(find(r, 'tests/test_param.py::TestGroup::test_even[1]').locals?.n).toBe('1');
  });
});

describe('bad input', () => {
  it('an unknown format gives runner unknown and the generic extraction', () => {
    const text = `build step 3/7\nsomething happened\n${raw('generic/python-crash.log')}\ndone\n`;
    const r = parseTestOutput(text);
    expect(r.runner).toBe('unknown');
    expect(r.failures).toHaveLength(1);
    expect(detectRunner('hello\nworld')).toBe('unknown');
    expect(parseTestOutput('hello\nworld\n')).toEqual({
      runner: 'unknown',
      passed: 0,
      failed: 0,
      skipped: 0,
      failures: [],
    });
  });

  it('binary garbage gives an empty report', () => {
    let seed = 7;
    const bytes = Buffer.alloc(200_000);
    for (let i = 0; i < bytes.length; i++)
      bytes[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    const r = parseTestOutput(bytes.toString('latin1'));
    expect(r.failures).toEqual([]);
    expect(r.failed).toBe(0);
  });

  it('a truncated log gives what it holds', () => {
    const text = raw('pytest/long.log');
    const cut = text.slice(0, text.indexOf('_ test_explicit_fail _'));
    const r = parseTestOutput(cut);
    expect(r.runner).toBe('pytest');
    expect(r.failures.map((f) => f.test)).toEqual([
      'test_uses_database',
      'test_mean_of_integers',
      'test_normalize_missing_age',
    ]);
    const jest = raw('jest/default.log');
    expect(parseTestOutput(jest.slice(0, jest.indexOf('● cart › summary'))).failures).toHaveLength(2);
  });

  it('ANSI colours are stripped', () => {
    const colored = parsed('pytest/color.log');
    expect(colored.failures.map((f) => f.file)).toEqual([
      'tests/test_text.py',
      'calc/text.py',
      'tests/test_text.py',
    ]);
    expect(JSON.stringify(colored)).not.toContain('\u001b');
  });

  it('a forced runner is used even when the text looks like another', () => {
    expect(parseTestOutput(raw('jest/default.log'), { runner: 'generic' }).runner).toBe('unknown');
    expect(() => parseTestOutput('x', { runner: 'nope' })).toThrow(/unknown runner "nope"/);
  });
});
