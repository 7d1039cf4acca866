// Maven's console is read with hand-written prefix tests (`[INFO] `, `[ERROR]`, …) and a per-block frame flag
// instead of regexes over every line: the lines they must refuse, and a block whose kept lines were capped.
import { MavenParser } from '../../src/feedback/parsers/maven.js';
import type { TestReport } from '../../src/feedback/types.js';

function parse(lines: string[]): TestReport {
  const parser = new MavenParser();
  for (const line of lines) parser.push(line);
  return parser.finish();
}

const header = '[ERROR] com.acme.ATest.big -- Time elapsed: 0.1 s <<< FAILURE!';
const plain = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word} ${i}`);

describe('maven console prefixes', () => {
  it('strips each level, with or without its space, and nothing else', () => {
    const report = parse([
      '[WARN] Tests run: 2, Failures: 0, Errors: 0, Skipped: 0',
      '[WARNING]Tests run: 3, Failures: 1, Errors: 0, Skipped: 0',
      '[INFOX] Tests run: 5, Failures: 0, Errors: 0, Skipped: 0',
      '[ERROR] Tests run: 1, Failures: 1, Errors: 0, Skipped: 1',
      '[DEBUG]  Tests run: 7, Failures: 0, Errors: 0, Skipped: 0',
      '[INF',
    ]);
    expect(report).toMatchObject({ passed: 3, failed: 2, skipped: 1 });
  });

  it('reads compiler errors only on [ERROR] lines', () => {
    const report = parse([
      '[ERROR] /p/src/main/java/A.java:[7,19] cannot find symbol',
      '  symbol:   class List',
      '[ERROR] e: /p/src/main/kotlin/B.kt: (3, 5): Unresolved reference',
      '[ERROR]/p/C.java:[1,2] no space',
      '[WARNING] /p/D.java:[1,2] warn',
    ]);
    expect(report.failures.map((f) => [f.test, f.message])).toEqual([
      ['/p/src/main/java/A.java', 'cannot find symbol\nsymbol: class List'],
      ['/p/src/main/kotlin/B.kt', 'Unresolved reference'],
      ['/p/C.java', 'no space'],
    ]);
  });
});

describe('maven failure blocks', () => {
  it('ends a block at a blank line once it holds a frame', () => {
    const report = parse([
      header,
      'java.lang.AssertionError: x',
      '\tat com.acme.A.f(A.java:3)',
      '',
      'after blank',
    ]);
    expect(report.failures[0]!.message).toBe('x');
  });

  it('goes on past a blank line when the capped block kept no frame', () => {
    const lines = [header, 'java.lang.AssertionError: x', ...plain(400, 'line')];
    lines.push('\tat com.acme.A.f(A.java:3)', ...plain(500, 'more'), '', 'after blank', '[INFO] done');
    const failure = parse(lines).failures[0]!;
    expect(failure.frames).toEqual([]);
    expect(failure.message).toContain('after blank');
  });

  it('ends a capped block at a blank line when a kept line is a frame', () => {
    const lines = [
      header,
      'java.lang.AssertionError: x',
      '\tat com.acme.A.f(A.java:3)',
      ...plain(900, 'more'),
    ];
    lines.push('', 'after blank');
    const failure = parse(lines).failures[0]!;
    expect(failure.message).toBe('x');
    expect(failure.frames).toHaveLength(1);
  });
});
