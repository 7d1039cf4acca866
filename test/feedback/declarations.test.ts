// Where the runner prints no line (mocha timeouts in every reporter), the test's declaration line is read from
// the test file through the reader the caller gives; the CLI's reader stays inside its root directory.
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceReader } from '../../src/cli/source-reader.js';
import { declarationLine, parseTestOutput } from '../../src/feedback/index.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const project = join(root, 'projects/mocha-cart');
const raw = (name: string) => readFileSync(join(root, name), 'utf8');

describe('declaration lines from the test file', () => {
  it.each(['mocha/spec.log', 'mocha/json.log', 'mocha/tap.log'])(
    '%s: the mocha timeout gets its it() line',
    (name) => {
      const without = parseTestOutput(raw(name)).failures.find((f) => /rate arrives/.test(f.test))!;
      expect([without.file, without.line]).toEqual(['/tmp/mimo-fb/mocha/test/cart.test.js', undefined]);
      const withReader = parseTestOutput(raw(name), { readSource: sourceReader(project) });
      const f = withReader.failures.find((x) => /rate arrives/.test(x.test))!;
      // test/cart.test.js line 21: `  it('rate arrives', async function () {`
      expect([f.file, f.line, f.kind]).toEqual(['/tmp/mimo-fb/mocha/test/cart.test.js', 21, 'Timeout']);
      // Failures that had a line keep it.
      expect(withReader.failures.filter((x) => x !== f)).toEqual(
        parseTestOutput(raw(name)).failures.filter((x) => !/rate arrives/.test(x.test)),
      );
    },
  );

  it('pytest --tb=no: every failure gets its def line from the test file', () => {
    const plain = parseTestOutput(raw('pytest/tb-no.log'));
    expect(plain.failures.every((f) => f.line === undefined)).toBe(true);
    const r = parseTestOutput(raw('pytest/tb-no.log'), {
      readSource: sourceReader(join(root, 'projects/pytest-calc')),
    });
    const at = (test: string) => r.failures.find((f) => f.test === test)?.line;
    expect(at('tests/test_stats.py::test_mean_of_integers')).toBe(11);
    expect(at('tests/test_text.py::test_slugify_none')).toBe(8);
    expect(r.failures.every((f) => typeof f.line === 'number')).toBe(true);
  });

  it('finds declarations in the styles of each language', () => {
    const py = readFileSync(join(root, 'projects/python-lint/calc/stats.py'), 'utf8');
    expect(declarationLine(py, 'tests/test_x.py::normalize')).toBe(10);
    const go = 'package p\n\nimport "testing"\n\nfunc TestSlow(t *testing.T) {\n}\n';
    expect(declarationLine(go, 'TestSlow')).toBe(5);
    const rb = readFileSync(join(root, 'projects/ruby-cart/spec/cart_spec.rb'), 'utf8');
    expect(declarationLine(rb, 'Cart#total multiplies price by quantity')).toBe(9);
    expect(declarationLine(rb, 'no such test')).toBeUndefined();
  });
});

describe('the CLI source reader', () => {
  it('reads inside its root only: no .., no symlink out, no bare file-name match', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimo-fb-reader-'));
    const outside = mkdtempSync(join(tmpdir(), 'mimo-fb-outside-'));
    writeFileSync(join(outside, 'secret.js'), "it('x', () => {})\n");
    mkdirSync(join(dir, 'test'));
    writeFileSync(join(dir, 'test/a.test.js'), "it('a', () => {})\n");
    symlinkSync(join(outside, 'secret.js'), join(dir, 'test/link.test.js'));
    const read = sourceReader(dir);
    expect(read('test/a.test.js')).toContain("it('a'");
    expect(read('/home/runner/work/repo/repo/test/a.test.js')).toContain("it('a'");
    expect(read('../' + outside.split('/').pop() + '/secret.js')).toBeNull();
    expect(read('test/link.test.js')).toBeNull();
    expect(read('/elsewhere/a.test.js')).toBeNull();
  });
});
