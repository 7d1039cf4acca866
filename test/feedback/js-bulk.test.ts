// The JS parsers' bulk pass reads every line of a chunk itself, also while failures are kept with details
// (`bulk` of each JS parser): it must give the report of the same parser fed line by line, whatever the
// chunk boundaries, including lines that start with a wider whitespace than space/tab, blank lines, a line
// longer than the chain passes whole, and a JSON document's first line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineParser } from '../../src/feedback/builder.js';
import { FeedbackStream, type TestReport } from '../../src/feedback/index.js';
import { JestParser } from '../../src/feedback/parsers/jest.js';
import { MochaParser } from '../../src/feedback/parsers/mocha.js';
import { NodeTestSpecParser } from '../../src/feedback/parsers/node-test.js';
import { TapParser } from '../../src/feedback/parsers/tap.js';
import { VitestParser } from '../../src/feedback/parsers/vitest.js';
import { MAX_LINE } from '../../src/feedback/text.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const fixture = (name: string) => readFileSync(join(root, name), 'utf8').replace(/\n?$/, '\n');

function perLine(parser: LineParser, text: string): TestReport {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // The chain cuts a line longer than MAX_LINE before a parser sees it.
  for (const line of lines) parser.push(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
  return parser.finish();
}

function chunked(text: string, size: number, runner: string): TestReport {
  const stream = new FeedbackStream({ runner });
  for (let o = 0; o < text.length; o += size) stream.write(text.slice(o, o + size));
  return stream.end();
}

// Lines that each parser's first-character look must hand to `push` (or keep in a block) exactly as `push` would.
const ODD = [
  '\u00a0 PASS test/odd.test.js',
  '\u00a0FAIL test/odd.test.js',
  '\u2003 9) odd:',
  '\u00a0 5 passing (1ms)',
  '    ',
  `    ${'x'.repeat(MAX_LINE + 10)}`,
  '\u00a0not ok 9 - odd',
  '\u00a0✖ odd',
  '\u00a0# odd',
  // Result lines the hand-read plain shape must refuse (or read exactly as RESULT does).
  'ok 11# SKIP odd',
  'ok 12 - odd # skip later',
  'not ok 13 -  odd',
  'not ok 14\tdash - odd',
  'not ok 15',
  'not ok 16 ',
  'OK 17 odd',
  'ok  18 odd',
  'ok 19odd',
  'not ok 20 \u00a0odd',
  'not ok 21 - ünïcode ✓',
  '  not ok 22 - indented',
  '  ---  ',
  '  ...\t',
  '  .... odd',
  '# Subtest: odd',
  '    # Subtest:odd',
  // Mocha counts and entries.
  '5) odd at column 0',
  '  12 failing',
  '   3)odd:',
  '  Exception during run: odd',
].join('\n');

const CASES: Array<[string, string[], (maxFailures?: number) => LineParser, string]> = [
  ['jest', ['jest/default.log', 'jest/verbose.log'], (m) => new JestParser(m), 'jest'],
  ['vitest', ['vitest/default.log'], (m) => new VitestParser(m), 'vitest'],
  ['mocha spec', ['mocha/spec.log', 'mocha/module-error.log'], (m) => new MochaParser(m), 'mocha'],
  ['mocha tap', ['mocha/tap.log'], (m) => new TapParser(m), 'tap'],
  ['node:test tap', ['node-test/tap.log'], (m) => new TapParser(m), 'tap'],
  ['node:test spec', ['node-test/spec.log'], (m) => new NodeTestSpecParser(m), 'node-test'],
];

describe.each(CASES)('bulk pass of %s with details kept', (_name, files, make, runner) => {
  const parts = files.map(fixture);
  // Odd lines inside and between the fixture's blocks, then the fixture again.
  const text = parts.map((p) => p + ODD + '\n' + p.replace(/\n\n/, `\n${ODD}\n\n`)).join('');
  const expected = perLine(make(), text);

  it('reads failures with details', () => {
    expect(expected.failures.length).toBeGreaterThan(0);
  });

  it.each([1, 7, 61, 1000, 64 * 1024])('gives the same report in chunks of %i characters', (size) => {
    expect(chunked(text, size, runner)).toEqual(expected);
  });

  it.each([0, 1, 3])('gives the same report once full (maxFailures %i)', (maxFailures) => {
    const stream = new FeedbackStream({ runner, maxFailures });
    for (let o = 0; o < text.length; o += 4093) stream.write(text.slice(o, o + 4093));
    expect(stream.end()).toEqual(perLine(make(maxFailures), text));
  });

  it('leaves a JSON document inside a bulk-read chunk to the JSON collector', () => {
    const json = parts[0]! + '{"not": "a report"}\n' + parts[0]!;
    expect(chunked(json, 64 * 1024, runner)).toEqual(perLine(make(), json));
  });
});
