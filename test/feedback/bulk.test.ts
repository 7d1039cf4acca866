// The bulk path (src/feedback/bulk.ts): a parser whose report is full reads whole chunks with one regex scan. It
// must give the same report as the same parser fed line by line, whatever the chunk boundaries (a line split
// across two chunks, a state change inside a chunk), and must leave to the per-line chain the lines it needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineParser } from '../../src/feedback/builder.js';
import { FeedbackStream, parseTestOutput, type TestReport } from '../../src/feedback/index.js';
import { CargoParser } from '../../src/feedback/parsers/cargo.js';
import { EslintParser } from '../../src/feedback/parsers/eslint.js';
import { GoParser } from '../../src/feedback/parsers/go.js';
import { JestParser } from '../../src/feedback/parsers/jest.js';
import { JunitParser } from '../../src/feedback/parsers/junit.js';
import { MinitestParser } from '../../src/feedback/parsers/minitest.js';
import { MochaParser } from '../../src/feedback/parsers/mocha.js';
import { NodeTestSpecParser } from '../../src/feedback/parsers/node-test.js';
import { PhpunitParser } from '../../src/feedback/parsers/phpunit.js';
import { PytestParser } from '../../src/feedback/parsers/pytest.js';
import { PythonLintParser } from '../../src/feedback/parsers/python-lint.js';
import { RspecParser } from '../../src/feedback/parsers/rspec.js';
import { TapParser } from '../../src/feedback/parsers/tap.js';
import { TrxParser } from '../../src/feedback/parsers/trx.js';
import { TscParser } from '../../src/feedback/parsers/tsc.js';
import { UnittestParser } from '../../src/feedback/parsers/unittest.js';
import { VitestParser } from '../../src/feedback/parsers/vitest.js';
import { longLine } from '../../src/feedback/parsers/xml-scan.js';
import { chainStopIn, linePattern, nextStop } from '../../src/feedback/bulk.js';
import { MAX_LINE } from '../../src/feedback/text.js';
import { perLine as perCleanLine } from '../helpers/per-line.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const fixture = (name: string) => readFileSync(join(root, name), 'utf8');
const MAX = 3;

function perLine(parser: LineParser, text: string): TestReport {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) parser.push(line);
  return parser.finish();
}

function chunked(text: string, size: number, runner?: string): TestReport {
  const stream = new FeedbackStream({ maxFailures: MAX, ...(runner ? { runner } : {}) });
  for (let o = 0; o < text.length; o += size) stream.write(text.slice(o, o + size));
  return stream.end();
}

// The fifth element: the least `failed` expected (mocha's spec reporter reports its last run's summary: 4).
const CASES: Array<[string, string, () => LineParser, string, number?]> = [
  ['tsc', 'tsc/plain.log', () => new TscParser(MAX), 'tsc'],
  ['eslint stylish', 'eslint/stylish.log', () => new EslintParser(MAX), 'eslint'],
  ['flake8', 'python-lint/flake8.log', () => new PythonLintParser(MAX), 'flake8'],
  ['ruff full', 'python-lint/ruff-full-0.6.log', () => new PythonLintParser(MAX), 'flake8'],
  ['ruff concise', 'python-lint/ruff-concise.log', () => new PythonLintParser(MAX), 'flake8'],
  ['pylint', 'python-lint/pylint.log', () => new PythonLintParser(MAX), 'flake8'],
  ['pytest', 'pytest/long.log', () => new PytestParser(MAX), 'pytest'],
  // Go's panic traces hold tabs: a tab keeps a chunk off the bulk path only before a `gh run view` stamp.
  ['go test -v', 'go/verbose.log', () => new GoParser(MAX), 'go'],
  // `-json` event lines are read in place by the bulk path, in every state.
  ['go test -json', 'go/subtests-json.log', () => new GoParser(MAX), 'go'],
  // A panic's block once full is skipped to its end (one failure a copy); libtest json events are read in place.
  ['cargo test', 'cargo/backtrace.log', () => new CargoParser(MAX), 'cargo', 12],
  ['libtest json', 'cargo/libtest-json.log', () => new CargoParser(MAX), 'cargo'],
  ['jest', 'jest/default.log', () => new JestParser(MAX), 'jest'],
  ['vitest', 'vitest/default.log', () => new VitestParser(MAX), 'vitest'],
  ['phpunit', 'phpunit/default.log', () => new PhpunitParser(MAX), 'phpunit'],
  ['unittest', 'unittest/verbose.log', () => new UnittestParser(MAX), 'unittest'],
  ['rspec', 'rspec/default.log', () => new RspecParser(MAX), 'rspec'],
  ['minitest', 'minitest/rake.log', () => new MinitestParser(MAX), 'minitest'],
  ['mocha tap', 'mocha/tap.log', () => new TapParser(MAX), 'tap'],
  ['node:test tap', 'node-test/tap.log', () => new TapParser(MAX), 'tap'],
  ['mocha spec', 'mocha/spec.log', () => new MochaParser(MAX), 'mocha', 4],
  ['node:test spec', 'node-test/spec.log', () => new NodeTestSpecParser(MAX), 'node-test'],
  // XML reports: the element scan reads a chunk by position, a testcase or result may span chunks.
  ['JUnit XML (pytest)', 'junit/pytest.xml', () => new JunitParser(MAX), 'junit'],
  ['JUnit XML (Surefire)', 'junit/surefire.xml', () => new JunitParser(MAX), 'junit'],
  ['TRX', 'dotnet/vs2012.trx', () => new TrxParser(MAX), 'trx', 4 * MAX],
];

describe.each(CASES)('bulk path of %s', (_name, file, make, runner, least = 4 * MAX + 1) => {
  const unit = fixture(file).replace(/\n?$/, '\n');
  // Repeated so that the report fills (MAX failures) within the first copies and the rest is read in bulk.
  const text = unit.repeat(12);
  const expected = perLine(make(), text);

  it('counts every failure past the cap, as line-by-line reading does', () => {
    expect(expected.failures.length).toBe(MAX);
    expect(expected.failed).toBeGreaterThanOrEqual(least);
    expect(chunked(text, text.length, runner)).toEqual(expected);
  });

  it.each([1, 7, 61, 1000, 64 * 1024])('gives the same report in chunks of %i characters', (size) => {
    expect(chunked(text, size, runner)).toEqual(expected);
  });

  it('detects the runner from the text and reads the same', () => {
    expect(chunked(text, 4096)).toEqual({ ...expected, runner: parseTestOutput(unit).runner });
  });
});

describe.each(CASES)('bulk path of %s between lines the chain must clean', (_name, file, make, runner) => {
  const unit = fixture(file).replace(/\n?$/, '\n');
  // Some lines coloured, some carrying a U+2028: the chunk is read in bulk between them, and they one by one.
  const text = unit
    .repeat(12)
    .split('\n')
    .map((l, i) => (i % 13 === 5 && l ? `\x1b[1m${l}\x1b[0m` : i % 29 === 11 ? `${l}\u2028` : l))
    .join('\n');
  const expected = perCleanLine(make(), text);

  it.each([61, 1000, 64 * 1024])('gives the report of the lines read one by one, in chunks of %i', (size) => {
    expect(chunked(text, size, runner)).toEqual(expected);
  });
});

/** `text` as one failing step of a downloaded Actions log: a stamp on every line, the step's header group and exit. */
function actionsStep(text: string, command: string): string {
  let n = 0;
  const stamped = (line: string) =>
    `2026-11-30T10:00:${String(n++ % 60).padStart(2, '0')}.1234567Z ${line}\n`;
  const lines = text.replace(/\n$/, '').split('\n');
  return [
    '\ufeff' + stamped("Current runner version: '2.321.0'").trimStart(),
    stamped('##[group]Run actions/checkout@v4'),
    stamped('with:'),
    stamped('##[endgroup]'),
    stamped('Syncing repository: acme/shop'),
    stamped(`##[group]Run ${command}`),
    stamped(command),
    stamped('shell: /usr/bin/bash -e {0}'),
    stamped('##[endgroup]'),
    ...lines.map(stamped),
    stamped('##[error]Process completed with exit code 1.'),
    stamped('Post job cleanup.'),
  ].join('');
}

describe.each(CASES)('bulk path of %s inside an Actions step', (_name, file, make, runner) => {
  const unit = fixture(file).replace(/\n?$/, '\n');
  const text = unit.repeat(12);
  const expected = perLine(make(), text);
  const log = actionsStep(text, `run ${runner}`);

  it.each([7, 61, 1000, 64 * 1024])(
    'gives the report of the step read line by line, in chunks of %i bytes',
    (size) => {
      const bytes = Buffer.from(log);
      const stream = new FeedbackStream({ maxFailures: MAX, runner });
      for (let o = 0; o < bytes.length; o += size) stream.write(bytes.subarray(o, o + size));
      expect(stream.end()).toEqual(expected);
    },
  );
});

describe('the XML scan stops where the chain must see a line', () => {
  const lines = [
    '<a>',
    '{"x": 1}',
    '[gw0] PASSED',
    '2026-11-30T10:00:00.1Z stamped',
    '\ufeff<b>',
    '12 not a stamp',
    'x',
  ];
  it.each(lines.map((_l, i) => i))('agrees with nextStop on a chain stop at line %i', (i) => {
    const text = `${['<c/>', '1999 plain', ...lines.slice(i)].join('\n')}\n`;
    const to = text.length;
    expect(chainStopIn(text, 0, to)).toBe(nextStop(linePattern('(?!)'), text, 0, to));
  });

  it('finds the first line longer than MAX_LINE', () => {
    const long = 'y'.repeat(MAX_LINE + 1);
    const text = `${'short\n'.repeat(5000)}${'z'.repeat(MAX_LINE)}\n${long}\n${long}\n`;
    expect(longLine(text, 0, text.length)).toBe(text.indexOf(long));
    expect(longLine(text, 0, text.indexOf(long))).toBe(text.indexOf(long));
  });
});

describe('bulk path and the chain', () => {
  it('leaves a JSON document inside a bulk-read chunk to the JSON collector', () => {
    const tsc = fixture('tsc/plain.log').replace(/\n?$/, '\n').repeat(8);
    const json = fixture('eslint/json.log').trim();
    const mixed = `${tsc}${json}\n${tsc}`;
    // A recognised JSON document is the section's report: had the bulk scan skipped it, tsc's counts would stand.
    expect(chunked(mixed, 64 * 1024)).toEqual(parseTestOutput(json, { maxFailures: MAX }));
  });

  it('stops at an Actions timestamp: from there the framer strips stamps and reads steps', () => {
    const unit = fixture('tsc/plain.log').replace(/\n?$/, '\n');
    const stamp = '2026-11-30T10:00:00.1234567Z ';
    const framed = (lines: string) =>
      lines
        .trimEnd()
        .split('\n')
        .map((l) => stamp + l + '\n')
        .join('');
    const one = parseTestOutput(unit).failed;
    const text = `${unit.repeat(6)}${framed('##[group]Run npx tsc\nnpx tsc\n##[endgroup]')}${framed(unit)}${framed(
      '##[error]Process completed with exit code 2.',
    )}`;
    // The failing step (the framed copy) is the report: one copy's diagnostics, not the seven copies.
    for (const size of [64 * 1024, 333]) {
      const report = chunked(text, size);
      expect(report.failed).toBe(one);
      expect(report.failures[0]!.test).toBe('src/main.ts:2:22');
    }
  });

  it('reads a `gh run view --log` line (job, step and stamp between tabs) through the framer', () => {
    const unit = fixture('tsc/plain.log').replace(/\n?$/, '\n');
    const one = parseTestOutput(unit).failed;
    const columns = unit
      .trimEnd()
      .split('\n')
      .map((l) => `build\tRun tsc\t2026-11-30T10:00:00.1234567Z ${l}\n`)
      .join('');
    // The framed step is its own section: the report is the section with most failures (7 copies before it).
    const report = chunked(`${unit.repeat(7)}${columns}${unit.repeat(2)}`, 64 * 1024);
    expect(report.failed).toBe(7 * one);
    expect(chunked(`${unit.repeat(2)}${columns}${columns}${columns}`, 64 * 1024).failed).toBe(3 * one);
  });

  it('keeps reading line by line a chunk that holds a control character', () => {
    const unit = fixture('tsc/plain.log').replace(/\n?$/, '\n');
    const text = unit.repeat(6) + '\x1b[31msrc/red.ts(1,1): error TS1000: coloured\x1b[0m\n' + unit.repeat(6);
    const report = chunked(text, 64 * 1024);
    expect(report.failed).toBe(perLine(new TscParser(MAX), unit.repeat(12)).failed + 1);
  });

  it('ends a skipped cargo block at the next block, at `test result:` and at a nextest line', () => {
    const block = (n: number) =>
      `---- tests::t${n} stdout ----\nthread 'tests::t${n}' panicked at src/lib.rs:${n}:5:\nboom\n`;
    const blocks = Array.from({ length: 12 }, (_, i) => block(i + 1)).join('');
    for (const text of [
      `${blocks}test result: FAILED. 3 passed; 12 failed; 0 ignored\n`,
      `${blocks}${blocks}`,
      `${blocks}        FAIL [   0.014s] shop tests::t1\n`,
    ]) {
      const expected = perLine(new CargoParser(MAX), text);
      for (const size of [64 * 1024, 61]) expect(chunked(text, size, 'cargo')).toEqual(expected);
    }
  });
});

describe('bulk path by first character (line-scan.ts)', () => {
  it('tells a linter finding as per-line reading does when a line holds several `.py` positions', () => {
    const flake8 = fixture('python-lint/flake8.log').replace(/\n?$/, '\n');
    // Once full, a later `.py:N:N: CODE [*] ` makes the flavour ruff per line; one that is no finding is not counted.
    const odd = [
      'calc/a.py:1:1: F401 see calc/b.py:2:3: F841 [*] fixable later',
      'notes.pyx and calc/c.py:3:4: E501 line too long',
      '\u00a0calc/d.py:1:1: F401 indented by a no-break space',
      'calc/e.py:9: not a finding',
    ].join('\n');
    const text = `${flake8.repeat(6)}${odd}\n${flake8.repeat(2)}`;
    const expected = perLine(new PythonLintParser(MAX), text);
    expect(expected.runner).toBe('ruff');
    for (const size of [64 * 1024, 61]) expect(chunked(text, size, 'flake8')).toEqual(expected);
  });

  it('reads indented and non-ASCII lines of a full pytest report as per-line reading does', () => {
    const unit = fixture('pytest/long.log').replace(/\n?$/, '\n');
    // Counts lines indented by a tab and by a no-break space, and a `_` line that is no block header.
    const odd = '\t1 failed in 0.01s\n\u00a02 failed, 1 passed in 0.02s\n_ not a header\n';
    const text = `${unit.repeat(6)}${odd}${unit.repeat(3)}`;
    const expected = perLine(new PytestParser(MAX), text);
    for (const size of [64 * 1024, 61, 7]) expect(chunked(text, size, 'pytest')).toEqual(expected);
  });
});

describe('bulk path in a downloaded Actions log', () => {
  it("drops a step's header group, whose script may echo a runner's lines, as line-by-line reading does", () => {
    const unit = fixture('tsc/plain.log').replace(/\n?$/, '\n');
    const diagnostics = unit.split('\n').filter((l) => / error TS\d+:/.test(l));
    const stamped = (lines: string[]) => lines.map((l) => `2026-11-30T10:00:00.1234567Z ${l}\n`).join('');
    const log = (header: string[]) =>
      stamped(['Current runner version', '##[group]Run npx tsc', ...header, '##[endgroup]']) +
      stamped(unit.trimEnd().split('\n')) +
      stamped(['##[error]Process completed with exit code 2.']);
    const echoed = log(diagnostics);
    const plain = log(diagnostics.map(() => 'echo'));
    expect(diagnostics.length).toBeGreaterThan(0);
    // maxFailures 0: the report is full from the first line, so the parser reads in bulk wherever it is offered.
    for (const size of [64 * 1024, 333]) {
      const read = (text: string) => {
        const stream = new FeedbackStream({ maxFailures: 0, runner: 'tsc' });
        for (let o = 0; o < text.length; o += size) stream.write(Buffer.from(text.slice(o, o + size)));
        return stream.end();
      };
      expect(read(echoed)).toEqual(read(plain));
      expect(read(echoed).failed).toBe(parseTestOutput(unit, { runner: 'tsc' }).failed);
    }
  });
});
