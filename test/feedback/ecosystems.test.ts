// Facts a developer checks first, on REAL outputs of the JVM, Ruby, PHP tools, the machine-readable reporters
// and GitHub Actions job logs (generate-ecosystems.sh, generate.sh machine, actions/make-actions-logs.mjs).
// Each expected value below was read off the raw output by hand.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectRunner, parseTestOutput, type Failure, type TestReport } from '../../src/feedback/index.js';
import { packageDir } from '../../src/feedback/parsers/go.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const raw = (name: string) => readFileSync(join(root, name), 'utf8');
const parsed = (name: string, runner?: string) => parseTestOutput(raw(name), runner ? { runner } : {});
const where = (r: TestReport) => r.failures.map((f) => `${f.test} ${f.file ?? ''}:${f.line ?? ''} ${f.kind}`);
const counts = (r: TestReport) => [r.runner, r.passed, r.failed, r.skipped];
function find(report: TestReport, test: string): Failure {
  const f = report.failures.find((x) => x.test === test);
  if (!f) throw new Error(`no failure named ${test} in ${report.failures.map((x) => x.test).join(', ')}`);
  return f;
}

describe('Maven, Gradle and the JVM compilers', () => {
  it('a reactor build maps each frame to the module that holds its package (projects/maven-reactor)', () => {
    // Real `mvn -B -ntp test` (Maven 3.9.9, Surefire 2.22.3, whole traces) in mimo-jvm on a parent pom with
    // modules a/ (com.acme.text) and b/ (com.acme, depends on a): the NPE is thrown in a's class, called from b.
    const r = parsed('maven/reactor.log');
    expect(counts(r)).toEqual(['maven', 2, 2, 0]);
    const npe = find(r, 'com.acme.InventoryTest.labelOfMissingItem');
    expect(npe.frames.filter((f) => f.inProject).map((f) => `${f.file}:${f.line}`)).toEqual([
      'a/src/main/java/com/acme/text/Labels.java:7',
      'b/src/main/java/com/acme/Inventory.java:34',
      'b/src/test/java/com/acme/InventoryTest.java:25',
    ]);
    expect(where(r)).toEqual([
      'com.acme.InventoryTest.labelOfMissingItem a/src/main/java/com/acme/text/Labels.java:7 NullPointerException',
      'com.acme.InventoryTest.totalMultipliesPriceByQuantity b/src/test/java/com/acme/InventoryTest.java:12 AssertionFailedError',
    ]);
  });

  it('a Gradle multi-project build maps frames to the project that holds the package (projects/gradle-multi)', () => {
    // Real `gradle --offline --console=plain --continue test` (Debian's Gradle 4.4.1, mimo-jvm image) on
    // projects :core (com.acme.core) and :app (com.acme.app, depends on core): :app:test runs first and its
    // failure is thrown in core's class, so the path is known only once :core:test has run.
    const r = parsed('gradle/multi-project.log');
    expect(counts(r)).toEqual(['gradle', 2, 2, 0]);
    const iae = find(r, 'com.acme.app.CheckoutTest > rejectsNegativeDiscount');
    expect(iae.frames.filter((f) => f.inProject).map((f) => `${f.file}:${f.line}`)).toEqual([
      'core/src/main/java/com/acme/core/Prices.java:9',
      'app/src/main/java/com/acme/app/Checkout.java:17',
      'app/src/test/java/com/acme/app/CheckoutTest.java:17',
    ]);
    expect(where(r)).toEqual([
      'com.acme.app.CheckoutTest > rejectsNegativeDiscount core/src/main/java/com/acme/core/Prices.java:9 IllegalArgumentException',
      'com.acme.core.PricesTest > tenPercentOff core/src/test/java/com/acme/core/PricesTest.java:15 AssertionError',
    ]);
  });

  it('maps Surefire stack frames to source paths through the package', () => {
    const r = parsed('maven/surefire.log');
    expect(counts(r)).toEqual(['maven', 1, 2, 0]);
    const npe = find(r, 'com.acme.InventoryTest.labelOfMissingItem');
    expect([npe.file, npe.line, npe.kind]).toEqual([
      'src/main/java/com/acme/Inventory.java',
      31,
      'NullPointerException',
    ]);
    expect(npe.frames.filter((f) => f.inProject).map((f) => `${f.file}:${f.line}`)).toEqual([
      'src/main/java/com/acme/Inventory.java:31',
      'src/test/java/com/acme/InventoryTest.java:25',
    ]);
    const eq = find(r, 'com.acme.InventoryTest.totalMultipliesPriceByQuantity');
    expect([eq.file, eq.line, eq.expected, eq.actual]).toEqual([
      'src/test/java/com/acme/InventoryTest.java',
      12,
      '6',
      '5',
    ]);
  });

  it("reads Debian's Surefire 2.22 in the mimo-jvm image (method-only lines, trimmed traces)", () => {
    const r = parsed('maven/surefire-2.22-image.log');
    expect(counts(r)).toEqual(['maven', 1, 2, 0]);
    expect(where(r)).toEqual([
      'com.acme.InventoryTest.labelOfMissingItem src/test/java/com/acme/InventoryTest.java:25 NullPointerException',
      'com.acme.InventoryTest.totalMultipliesPriceByQuantity src/test/java/com/acme/InventoryTest.java:12 AssertionFailedError',
    ]);
  });

  it('reads Maven with colour the same as without', () => {
    expect(where(parsed('maven/surefire-color.log'))).toEqual(where(parsed('maven/surefire.log')));
  });

  it('reports each maven-compiler-plugin error once, with symbol and location', () => {
    const r = parsed('maven/compile-error.log');
    expect(r.failures.map((f) => [f.line, f.message.split('\n')[1]])).toEqual([
      [7, 'symbol: class List'],
      [7, 'symbol: class ArrayLis'],
    ]);
    expect(r.failures[0]!.file).toBe('/tmp/mimo-fb/maven/src/main/java/com/acme/Inventory.java');
  });

  it('reads javac and kotlinc errors', () => {
    expect(where(parsed('javac/javac.log'))).toEqual([
      'src/main/java/com/acme/Inventory.java src/main/java/com/acme/Inventory.java:7 CompilationError',
      'src/main/java/com/acme/Inventory.java src/main/java/com/acme/Inventory.java:7 CompilationError',
    ]);
    const k = parsed('javac/kotlinc.log');
    expect([k.runner, k.failures.map((f) => `${f.line} ${f.message}`)]).toEqual([
      'kotlinc',
      ['4 unresolved reference: nam', '6 unresolved reference: uppercase'],
    ]);
  });

  it('reads Gradle short and full exception formats, and a compile task failure', () => {
    const short = parsed('gradle/test.log');
    expect(counts(short)).toEqual(['gradle', 1, 2, 1]);
    expect(find(short, 'com.acme.InventoryTest > labelOfMissingItem').file).toBe(
      'src/test/java/com/acme/InventoryTest.java',
    );
    const full = parsed('gradle/test-full.log');
    const npe = find(full, 'com.acme.InventoryTest > labelOfMissingItem');
    expect([npe.file, npe.line]).toEqual(['src/main/java/com/acme/Inventory.java', 31]);
    const eq = find(full, 'com.acme.InventoryTest > totalMultipliesPriceByQuantity');
    expect([eq.line, eq.expected, eq.actual]).toEqual([13, '6', '5']);
    const compile = parsed('gradle/compile-error.log');
    expect(where(compile)).toEqual([
      '/tmp/mimo-fb/gradle/src/main/java/com/acme/Inventory.java /tmp/mimo-fb/gradle/src/main/java/com/acme/Inventory.java:7 CompilationError',
    ]);
  });

  it('takes a runner named on the command line', () => {
    expect(where(parsed('maven/surefire.log', 'mvn'))).toEqual(where(parsed('maven/surefire.log')));
    expect(parsed('gradle/test.log', 'gradle').failed).toBe(2);
  });
});

describe('Ruby and PHP', () => {
  it('RSpec: progress and documentation formats agree; pending is skipped', () => {
    const r = parsed('rspec/default.log');
    expect(counts(r)).toEqual(['rspec', 2, 2, 1]);
    expect(where(r)).toEqual([
      'Cart#total multiplies price by quantity spec/cart_spec.rb:11 ExpectationNotMetError',
      'Cart#label upcases the name of a missing item lib/cart.rb:24 NoMethodError',
    ]);
    expect([r.failures[0]!.expected, r.failures[0]!.actual]).toEqual(['6', '5']);
    expect(where(parsed('rspec/documentation.log'))).toEqual(where(r));
  });

  it('minitest: failure location in brackets, error location from the backtrace', () => {
    const r = parsed('minitest/rake.log');
    expect(counts(r)).toEqual(['minitest', 1, 2, 1]);
    expect(where(r)).toEqual([
      'CartTest#test_total_multiplies_price_by_quantity /tmp/mimo-fb/ruby/test/cart_test.rb:13 Assertion',
      'CartTest#test_label_of_missing_item /tmp/mimo-fb/ruby/lib/cart.rb:24 NoMethodError',
    ]);
  });

  it('PHPUnit: default and testdox give the same locations; data sets are separate failures', () => {
    const r = parsed('phpunit/default.log');
    expect(counts(r)).toEqual(['phpunit', 1, 4, 1]);
    const locations = (x: TestReport) => x.failures.map((f) => `${f.file}:${f.line}`).sort();
    expect(locations(parsed('phpunit/testdox.log'))).toEqual(locations(r));
    const t = find(r, 'Acme\\Tests\\CartTest::testTotalMultipliesPriceByQuantity');
    expect([t.file, t.line, t.expected, t.actual]).toEqual([
      '/tmp/mimo-fb/php/tests/CartTest.php',
      15,
      '6',
      '5',
    ]);
    expect(find(r, 'Acme\\Tests\\CartTest::testLabelOfMissingItem').file).toBe(
      '/tmp/mimo-fb/php/src/Cart.php',
    );
  });
});

describe('machine-readable reporters, detected from the text alone', () => {
  it('jest --json alone and beside the text reporter', () => {
    const r = parsed('jest/json.log');
    expect(counts(r)).toEqual(['jest', 1, 5, 1]);
    expect(where(parsed('jest/json-mixed.log'))).toEqual(where(r));
    const t = find(r, 'cart › total multiplies price by quantity');
    expect([t.file, t.line, t.expected, t.actual]).toEqual([
      '/tmp/mimo-fb/jest/test/cart.test.js',
      5,
      '6',
      '5',
    ]);
    expect(find(r, 'cart › coupon lookup').file).toBe('/tmp/mimo-fb/jest/src/cart.js');
  });

  it('vitest json, mocha json and mocha TAP', () => {
    const v = parsed('vitest/json.log');
    expect(counts(v)).toEqual(['vitest', 1, 5, 1]);
    expect(find(v, '/tmp/mimo-fb/vitest/test/cart.test.js > cart > coupon lookup').line).toBe(9);
    const m = parsed('mocha/json.log');
    expect(counts(m)).toEqual(['mocha', 1, 4, 1]);
    const tap = parsed('mocha/tap.log');
    expect(tap.runner).toBe('tap');
    expect(tap.failures.map((f) => `${f.test} ${f.line ?? ''}`)).toEqual(
      m.failures.map((f) => `${f.test} ${f.line ?? ''}`),
    );
  });

  it('eslint -f json: the same problems as the stylish formatter, also with --runner eslint', () => {
    const json = parsed('eslint/json.log');
    const stylish = parsed('eslint/stylish.log');
    const key = (r: TestReport) =>
      r.failures.map((f) => `${f.file?.replace(/^.*\/src\//, 'src/')}:${f.line} ${f.kind}`);
    expect(key(json)).toEqual(key(stylish));
    expect(key(parsed('eslint/json.log', 'eslint'))).toEqual(key(stylish));
  });

  it('go test -json equals the verbose text; libtest json equals cargo text', () => {
    expect(where(parsed('go/json.log'))).toEqual(where(parsed('go/verbose.log')));
    expect(counts(parsed('go/json.log'))).toEqual(counts(parsed('go/verbose.log')));
    const sort = (r: TestReport) => where(r).sort();
    expect(sort(parsed('cargo/libtest-json.log'))).toEqual(sort(parsed('cargo/default.log')));
    expect(counts(parsed('cargo/libtest-json.log'))).toEqual(['cargo', 1, 3, 1]);
  });

  it.each([
    'jest/json.log',
    'vitest/json.log',
    'mocha/json.log',
    'eslint/json.log',
    'go/json.log',
    'cargo/libtest-json.log',
    'mocha/tap.log',
    'maven/surefire.log',
    'gradle/test.log',
    'rspec/default.log',
    'minitest/rake.log',
    'phpunit/default.log',
    'javac/javac.log',
  ])('detectRunner names the runner of %s', (name) => {
    expect(detectRunner(raw(name))).toBe(parsed(name).runner);
  });
});

describe('packageDir: the folder of a Go package in its module, from the import path', () => {
  it.each([
    ['example.com/shop/cart', 'cart'],
    ['example.com/shop', ''],
    ['github.com/acme/shop/internal/cart', 'internal/cart'],
    ['github.com/acme/shop/v2/cart', 'cart'],
    ['gopkg.in/yaml.v3', ''],
    ['golang.org/x/tools/go/packages', 'go/packages'],
    ['shop/cart', 'cart'],
    ['shop', ''],
  ])('%s is in %j', (path, dir) => {
    expect(packageDir(path)).toBe(dir);
  });
});

describe('go test without -v (projects/go-shop, run in mimo-runner with go 1.24)', () => {
  const shop = [
    // t.Errorf prints cart_test.go (relative to the package folder): put in the package's folder, cart/
    'TestTotal cart/cart_test.go:14 TestFailure',
    'TestFirst /tmp/mimo-fb/go-shop/cart/cart.go:22 panic',
  ];

  it('gives the same failure locations as -v and -json, and says the passes are not counted', () => {
    const plain = parsed('go/shop-default.log');
    expect(where(plain)).toEqual(shop);
    expect(where(parsed('go/shop-verbose.log'))).toEqual(shop);
    expect(where(parsed('go/shop-json.log'))).toEqual(shop);
    // Only `--- FAIL` blocks and `ok`/`FAIL pkg` lines: 2 failed, passes unknown (not 0 passed).
    expect([plain.passed, plain.failed, plain.passedUnknown]).toEqual([0, 2, true]);
    const panic = find(plain, 'TestFirst');
    expect(panic.frames.filter((f) => f.inProject).map((f) => `${f.file}:${f.line}`)).toEqual([
      '/tmp/mimo-fb/go-shop/cart/cart.go:22',
      '/tmp/mimo-fb/go-shop/cart/cart_test.go:25',
    ]);
  });

  it('-v and -json count every pass, the ones after the panic too, and no parent test', () => {
    for (const name of ['go/shop-verbose.log', 'go/shop-json.log']) {
      const r = parsed(name);
      // cart: TestCount, TestTotalEmpty before the panic; money (after it): 3 subtests of TestFormat, TestFormatNegative.
      expect([r.passed, r.failed, r.passedUnknown]).toEqual([6, 2, undefined]);
    }
  });

  it('a green run without -v is not "0 tests ran": its passes are unknown', () => {
    const green = parsed('go/shop-fixed.log');
    expect([green.runner, green.passed, green.failed, green.failures, green.passedUnknown]).toEqual([
      'go',
      0,
      0,
      [],
      true,
    ]);
    // A package that did not build passed nothing: that zero is exact.
    expect(parsed('go/build-error.log').passedUnknown).toBeUndefined();
  });
});

describe('cargo nextest (cargo/nextest.log, a real transcript: cargo/SOURCES.md)', () => {
  it('reads the FAIL line, the panic location of its STDERR block and the summary, detected from the text', () => {
    const r = parsed('cargo/nextest.log');
    expect(counts(r)).toEqual(['cargo', 0, 1, 0]);
    // The FAIL line printed again after the summary is the same test, not a second failure.
    expect(where(r)).toEqual(['test_set_origin tests/main.rs:34 panic']);
    expect(find(r, 'test_set_origin').message).toMatch(/^Received error response .*Invalid origin!'$/);
    expect(detectRunner(raw('cargo/nextest.log'))).toBe('cargo');
  });

  it("libtest's own lines inside a STDOUT block are not the run's counts", () => {
    // The layout of a nextest run whose captured stdout holds libtest's per-binary report (as the ruff CI log
    // in the corpus shows): only the Summary line counts.
    const log = [
      '    Starting 3 tests across 1 binary',
      '        PASS [   0.840s] calc tests::adds',
      '        FAIL [   1.877s] calc tests::divides',
      '',
      '--- STDOUT:              calc tests::divides ---',
      '',
      'running 1 test',
      'test tests::divides ... FAILED',
      '',
      'test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 2 filtered out; finished in 1.81s',
      '',
      '--- STDERR:              calc tests::divides ---',
      "thread 'tests::divides' panicked at src/lib.rs:12:5:",
      'attempt to divide by zero',
      '',
      '        SKIP [   0.000s] calc tests::slow',
      '------------',
      '     Summary [   1.900s] 2 tests run: 1 passed, 1 failed, 1 skipped',
      '        FAIL [   1.877s] calc tests::divides',
      'error: test run failed',
    ].join('\n');
    const r = parseTestOutput(log);
    expect(counts(r)).toEqual(['cargo', 1, 1, 1]);
    expect(where(r)).toEqual(['tests::divides src/lib.rs:12 panic']);
    expect(r.failures[0]!.message).toBe('attempt to divide by zero');
  });
});

describe('Go subtests', () => {
  it('a parent is not a failure of its own; its failing subtests are; passes after a panic count', () => {
    for (const name of ['go/subtests-verbose.log', 'go/subtests-json.log']) {
      const r = parsed(name);
      expect(where(r)).toEqual([
        'TestDiscount/ten price/price_test.go:17 TestFailure',
        'TestDiscount/half price/price_test.go:17 TestFailure',
        'TestSplit/two /tmp/mimo-fb/go-sub/price/price.go:8 panic',
      ]);
      // TestDiscount/none in the package that panicked, TestAdd and TestAddZero in the next package.
      expect([r.passed, r.failed]).toEqual([3, 3]);
    }
    expect(parsed('go/subtests.log').failures.every((f) => f.file)).toBe(true);
  });
});

describe('JUnit XML of the JVM and PHP producers', () => {
  it('Surefire, Gradle and PHPUnit reports locate failures like their consoles', () => {
    expect(where(parsed('junit/surefire.xml')).map((w) => w.split(' ')[1])).toEqual([
      'src/main/java/com/acme/Inventory.java:31',
      'src/test/java/com/acme/InventoryTest.java:12',
    ]);
    expect(counts(parsed('junit/gradle.xml'))).toEqual(['junit', 1, 2, 1]);
    const php = parsed('junit/phpunit.xml');
    expect(find(php, 'Acme.Tests.CartTest.testTotalMultipliesPriceByQuantity').line).toBe(15);
  });
});

describe('GitHub Actions job logs', () => {
  it.each([
    ['actions/maven.log', 'maven/surefire.log'],
    ['actions/gradle.log', 'gradle/test.log'],
    ['actions/rspec.log', 'rspec/default.log'],
    ['actions/phpunit.log', 'phpunit/default.log'],
    ['actions/python-two-steps.log', 'pytest/auto.log'],
    ['actions/matrix-gh.log', 'minitest/rake.log'],
  ])('%s reads like the bare output of its failing step (%s)', (log, bare) => {
    const r = parsed(log);
    expect(counts(r)).toEqual(counts(parsed(bare)));
    expect(where(r)).toEqual(where(parsed(bare)));
  });
});
