import { readFileSync } from 'node:fs';
import { calledNames, executableLines, functionRanges, statementWeight } from '../../src/localize/index.js';
import { traitImpls } from '../../src/localize/source.js';
import { rankSuspicious } from '../../src/localize/index.js';

describe('executableLines', () => {
  it('leaves out comments, blank lines, lone brackets and the strict directive in JavaScript', () => {
    const source = [
      "'use strict';", // 1
      '', // 2
      '/**', // 3
      ' * Doc with code-looking text: return x;', // 4
      ' */', // 5
      'function f(x) {', // 6
      '  // a comment', // 7
      "  const s = '// not a comment';", // 8
      '  return x + 1;', // 9
      '}', // 10
      '', // 11
    ].join('\n');
    expect([...executableLines(source, 'js')]).toEqual([6, 8, 9]);
  });

  it('leaves out docstrings, comments and decorators in Python', () => {
    const source = ['def f(x):', '    """Doc.', '', '    More."""', '    # note', '    return x', ''].join(
      '\n',
    );
    expect([...executableLines(source, 'python')]).toEqual([1, 6]);
  });

  it('leaves out package, import blocks and braces in Go', () => {
    const source = [
      'package p',
      '',
      'import (',
      '\t"fmt"',
      ')',
      '',
      'func F() {',
      '\tfmt.Println(1)',
      '}',
      '',
    ].join('\n');
    expect([...executableLines(source, 'go')]).toEqual([4, 7, 8]);
  });
});

describe('functionRanges and calledNames', () => {
  it('finds the functions an assertion line calls, in every language', () => {
    expect(calledNames('    assert_eq!(from_roman("III"), Some(3));')).toEqual(['from_roman']);
    expect(calledNames("  expect(compare('1.0.0', '1.0.0-beta')).toBe(1);")).toEqual(['compare']);
    expect(calledNames('        self.assertEqual(longest("cat dog emu"), "cat")')).toEqual(['longest']);
    const rust = [
      'fn digit(c: char) -> u32 {',
      '    1',
      '}',
      '',
      'pub fn from_roman(t: &str) -> u32 {',
      '    2',
      '}',
    ].join('\n');
    expect(functionRanges(rust, 'rust', ['from_roman'])).toEqual([[5, 7]]);
    const py = [
      'def a():',
      '    return 1',
      '',
      'def longest(t):',
      '    best = ""',
      '    return best',
      '',
      'x = 1',
    ].join('\n');
    expect(functionRanges(py, 'python', ['longest'])).toEqual([[4, 6]]);
    const js = ['class C {', '  total() {', '    return 1;', '  }', '}', 'const g = (x) => x * 2;'].join(
      '\n',
    );
    expect(functionRanges(js, 'js', ['total', 'g'])).toEqual([
      [2, 4],
      [6, 6],
    ]);
  });
});

describe('rankSuspicious with the source', () => {
  const files: Record<string, string> = {
    'lib/m.js': [
      '// header',
      'function f(x) {',
      '  // why',
      '  const y = x;',
      '  return y > 1;',
      '}',
      '',
    ].join('\n'),
    'test/m.test.js': ["it('f', () => {", '  assert.ok(f(2));', '});', ''].join('\n'),
  };
  const readSource = (file: string) => files[file];

  it('never ranks a comment or a blank line, and puts the code under test above the test', () => {
    const coverage = {
      tests: [
        { name: 'f', failed: true, lines: { 'lib/m.js': [1, 2, 3, 4, 5, 6], 'test/m.test.js': [1, 2] } },
      ],
    };
    const report = {
      runner: 'mocha',
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [
        {
          test: 'f',
          kind: 'AssertionError',
          message: 'x',
          file: 'test/m.test.js',
          line: 2,
          frames: [{ file: 'test/m.test.js', line: 2, inProject: true }],
        },
      ],
    };
    const ranked = rankSuspicious({ reports: [report], coverage, readSource });
    const keys = ranked.map((s) => `${s.file}:${s.line}`);
    expect(keys).not.toContain('lib/m.js:1');
    expect(keys).not.toContain('lib/m.js:3');
    expect(keys).not.toContain('lib/m.js:6');
    // Coverage ties lines 2, 4 and 5; the callee signal and the statement prior order them, the test comes last.
    expect(keys[0]).toBe('lib/m.js:5');
    expect(keys.indexOf('test/m.test.js:2')).toBeGreaterThan(keys.indexOf('lib/m.js:2'));
  });

  it('ranks the called function for a runner without coverage (cargo-style)', () => {
    const source = [
      'pub fn double(x: u32) -> u32 {',
      '    x * 3',
      '}',
      '',
      '#[cfg(test)]',
      'mod tests {',
      '    use super::*;',
      '    #[test]',
      '    fn doubles() {',
      '        assert_eq!(double(2), 4);',
      '    }',
      '}',
      '',
    ].join('\n');
    const report = {
      runner: 'cargo',
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [
        { test: 'tests::doubles', kind: 'panic', message: '', file: 'src/lib.rs', line: 10, frames: [] },
      ],
    };
    const ranked = rankSuspicious({
      reports: [report],
      readSource: (f) => (f === 'src/lib.rs' ? source : undefined),
      sourceFiles: ['src/lib.rs'],
    });
    expect(ranked[0]).toMatchObject({ file: 'src/lib.rs', line: 2 });
  });
});

describe('statementWeight', () => {
  it('counts compound assignments as arithmetic, above plain calls and initialisers', () => {
    for (const code of ['rest -= n;', 'total += price * qty', 'x *= 2;', 'n %= size']) {
      expect(statementWeight(code)).toBe(1);
    }
    expect(statementWeight('parts.push(item);')).toBeLessThan(1);
    expect(statementWeight('let rest = 0;')).toBeLessThan(statementWeight('parts.push(item);'));
  });
});

describe('Rust lifetimes', () => {
  it('are code, not the start of a char literal, so the braces after them still count', () => {
    const source = [
      "pub fn wrap_with(text: &str, options: &Options<'_>) -> Vec<String> {", // 1
      "    let sep = '\\n';", // 2
      '    let mut lines = Vec::new();', // 3
      "    for p in text.split(' ') {", // 4
      '        lines.push(p.to_string());', // 5
      '    }', // 6
      '    lines', // 7
      '}', // 8
      "pub fn fill<'a>(text: &'a str) -> String {", // 9
      '    wrap_with(text, &Options::new(3)).join("\\n")', // 10
      '}', // 11
      '',
    ].join('\n');
    expect(functionRanges(source, 'rust', ['wrap_with'])).toEqual([[1, 8]]);
    expect(functionRanges(source, 'rust', ['fill'])).toEqual([[9, 11]]);
    expect([...executableLines(source, 'rust')]).toEqual([1, 2, 3, 4, 5, 7, 9, 10]);
  });
});

describe('functionRanges in TypeScript classes', () => {
  it('finds methods with modifiers, type parameters and return types', () => {
    const source = [
      'export class LRU<K, V> {', // 1
      '  private expired(node: Node<K, V>): boolean {', // 2
      '    return node.expires < this.now();', // 3
      '  }', // 4
      '  get(key: K): V | undefined {', // 5
      '    return this.map.get(key);', // 6
      '  }', // 7
      '  public static of<T>(items: T[]): LRU<T, T> {', // 8
      '    return new LRU();', // 9
      '  }', // 10
      '}', // 11
      '',
    ].join('\n');
    expect(functionRanges(source, 'js', ['expired'])).toEqual([[2, 4]]);
    expect(functionRanges(source, 'js', ['get'])).toEqual([[5, 7]]);
    expect(functionRanges(source, 'js', ['of'])).toEqual([[8, 10]]);
  });
});

describe('traitImpls', () => {
  it("lists the methods of each type's `impl Trait for Type` blocks, not of its inherent impl", () => {
    const source = readFileSync(
      new URL('../fixtures/repos/localize-corpus/cargo-chunks/src/window.rs', import.meta.url),
      'utf8',
    );
    const impls = traitImpls(source);
    expect(impls.get('Chunks')).toEqual(['next']);
    expect(impls.get('Chunk')).toEqual(['fmt']);
  });
});
