// The bulk paths of the Python, Ruby and PHP parsers read every line of a chunk themselves, in every state (until
// full too): each fixture of theirs, repeated, must give the report of the same parser fed line by line, whatever
// the chunking and the cap, with odd lines (wide spaces, tabs, lines that only look like markers) mixed in.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineParser } from '../../src/feedback/builder.js';
import { FeedbackStream, type TestReport } from '../../src/feedback/index.js';
import { MinitestParser } from '../../src/feedback/parsers/minitest.js';
import { PhpunitParser } from '../../src/feedback/parsers/phpunit.js';
import { PytestParser } from '../../src/feedback/parsers/pytest.js';
import { PythonLintParser } from '../../src/feedback/parsers/python-lint.js';
import { RspecParser } from '../../src/feedback/parsers/rspec.js';
import { UnittestParser } from '../../src/feedback/parsers/unittest.js';
import { perLine } from '../helpers/per-line.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;

const FAMILIES: Array<[string, string, (max?: number) => LineParser]> = [
  ['pytest', 'pytest', (max) => new PytestParser(max)],
  ['unittest', 'unittest', (max) => new UnittestParser(max)],
  ['python-lint', 'flake8', (max) => new PythonLintParser(max)],
  ['phpunit', 'phpunit', (max) => new PhpunitParser(max)],
  ['rspec', 'rspec', (max) => new RspecParser(max)],
  ['minitest', 'minitest', (max) => new MinitestParser(max)],
];

// Lines that look like a marker at their first character only, blanks of every kind, a line ending `)`.
const ODD = [
  '',
  '\t',
  '\u00a0',
  '=',
  '== not a rule',
  '_ _ _',
  '___ not a header',
  '  3 passed in 0.01s',
  '\u00a01 failed in 0.02s',
  'E',
  'FAILED',
  'ERROR x',
  'Tests: x',
  'OK (x)',
  '1) not::an entry',
  '1)',
  '--',
  ' ✘ odd',
  'Class (Name)',
  '   │ box',
  'F',
  'Failure:',
  'Error:',
  '  1) Odd',
  '# comment',
  'rspec ./spec/x_spec.rb:1 # odd',
].join('\n');

function chunked(text: string, size: number, runner: string, maxFailures?: number): TestReport {
  const stream = new FeedbackStream({ runner, ...(maxFailures === undefined ? {} : { maxFailures }) });
  for (let o = 0; o < text.length; o += size) stream.write(text.slice(o, o + size));
  return stream.end();
}

describe.each(FAMILIES)('bulk reading of %s fixtures', (dir, runner, make) => {
  const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.log') && !f.includes('json')); // JSON reports are the collector's
  describe.each(files)('%s', (file) => {
    const unit = readFileSync(join(root, dir, file), 'utf8').replace(/\n?$/, '\n');
    const text = `${unit.repeat(3)}${ODD}\n${unit.repeat(3)}`;
    it.each([undefined, 0, 2])('reads as line by line with the cap %s', (max) => {
      const expected = perLine(make(max), text);
      for (const size of [text.length, 61, 7]) expect(chunked(text, size, runner, max)).toEqual(expected);
    });
  });
});
