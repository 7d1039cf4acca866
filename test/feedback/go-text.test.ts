// `go test` text: each first character leads only to the markers that can start with it, and every whole line of a
// chunk is read by the parser's bulk path (a panic's trace once full skipped). The report must be the one the
// parser gives fed line by line, whatever the chunks and the cap, on lines of odd shapes too.
import { FeedbackStream, type TestReport } from '../../src/feedback/index.js';
import { GoParser } from '../../src/feedback/parsers/go.js';

const CASES: Record<string, string[]> = {
  // Build errors whose file name starts with another marker's first character.
  build: [
    '# example.com/shop',
    '=weird.go:1:2: undefined: x',
    '-dash.go:3:4: y',
    'pkg.go:5:6: z',
    '#hash.go:7:8: w',
    'FAIL.go:9:10: v',
    'ok.go:11:12: u',
    'FAIL\texample.com/shop [build failed]',
  ],
  // A blank beyond ASCII (\s of the markers' patterns) is read as the patterns read it, on a line naming `.go:`.
  blanks: [
    '=== RUN   TestA',
    '\u00a0   a_test.go:3: msg',
    '\u00a0--- FAIL: TestA (0.00s) a.go:',
    '\u00a0--- PASS: TestB (0.00s)',
    '\t--- FAIL: TestC (0.01s)',
    '\t    c_test.go:9: tab',
    '            more text',
    'FAIL',
    'FAIL\texample.com/a\t0.1s',
  ],
  // A trace's lines that start like its end (`FAILED`, `okay`, `exit statusx`) and a line longer than MAX_LINE.
  panic: [
    '=== RUN   TestP',
    '--- FAIL: TestP (0.00s)',
    'panic: boom [recovered]',
    '\tpanic: boom',
    '',
    'goroutine 7 [running]:',
    'example.com/x.TestP(0x1)',
    '\t/src/x/p_test.go:5 +0x1',
    'FAILED thing',
    'okay then',
    'exit statusx',
    'x'.repeat(1_100_000),
    'exit status 2',
    'FAIL\texample.com/x\t0.1s',
    '=== RUN   TestQ/sub',
    '--- FAIL: TestQ/sub (0.00s)',
    '    q_test.go:3: sub failed',
    '--- FAIL: TestQ (0.00s)',
    'ok  \texample.com/y\t0.2s',
    'FAIL\texample.com/x\t0.1s',
  ],
};

function perLine(lines: string[], maxFailures?: number): TestReport {
  const parser = new GoParser(maxFailures);
  for (const line of lines) parser.push(line.length > 1024 * 1024 ? line.slice(0, 1024 * 1024) : line);
  return parser.finish();
}

function chunked(text: string, size: number, maxFailures?: number): TestReport {
  const stream = new FeedbackStream({ runner: 'go', ...(maxFailures === undefined ? {} : { maxFailures }) });
  for (let o = 0; o < text.length; o += size) stream.write(text.slice(o, o + size));
  return stream.end();
}

describe('go test text, read in bulk', () => {
  it.each(Object.keys(CASES))('reads %s as line by line, in any chunks and at any cap', (name) => {
    const lines = [...CASES[name]!, ...CASES[name]!, ...CASES[name]!];
    const text = `${lines.join('\n')}\n`;
    const sizes = name === 'panic' ? [65_536, 300_000] : [7, 100, 65_536];
    for (const max of [0, 1, 2, undefined]) {
      const expected = perLine(lines, max);
      for (const size of sizes) expect(chunked(text, size, max)).toEqual(expected);
    }
  });

  it('reads the odd shapes as the patterns do', () => {
    const build = perLine(CASES.build!);
    expect(build.failed).toBe(6);
    expect(build.failures.map((f) => f.file)).toEqual([
      '=weird.go',
      '-dash.go',
      'pkg.go',
      '#hash.go',
      'FAIL.go',
      'ok.go',
    ]);
    const blanks = perLine(CASES.blanks!);
    expect(blanks.failures.map((f) => [f.test, f.message])).toEqual([['TestC', 'tab\nmore text']]);
    const panic = perLine(CASES.panic!);
    expect(panic.failures.map((f) => [f.test, f.kind])).toEqual([
      ['TestP', 'panic'],
      ['TestQ/sub', 'TestFailure'],
    ]);
  });
});
