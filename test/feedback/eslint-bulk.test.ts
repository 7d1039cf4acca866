// ESLint's bulk count once the report is full reads STYLISH problem lines by hand (`isStylishProblem`): it must
// count exactly the lines `push` counts, whatever the chunk boundaries, and refuse the lines the pattern refuses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedbackStream } from '../../src/feedback/index.js';
import { EslintParser } from '../../src/feedback/parsers/eslint.js';
import { MAX_LINE } from '../../src/feedback/text.js';

const root = new URL('../fixtures/feedback/eslint/', import.meta.url).pathname;
const stylish = readFileSync(join(root, 'stylish.log'), 'utf8').replace(/\n?$/, '\n');

const ODD = [
  '  2:7\terror\tx  rule',
  '\t2:7  warning  x  rule',
  '\u00a0 2:7  error  x  rule',
  '  \u2003 2:7  error  x  rule',
  '  2:7 \u00a0error  x  rule',
  '  2:7  error\u00a0x',
  '  2:7  error',
  '  2:7  errors  x',
  '  2:7error  x',
  '  2:  error  x',
  '  :7  error  x',
  '  27  error  x',
  '  2:7  error  x  [rule]',
  `  2:7  error  ${'x'.repeat(MAX_LINE)}`,
  '  ✖ 2:7  error  x',
  '    ',
  '',
].join('\n');

function perLine(text: string, maxFailures: number) {
  const parser = new EslintParser(maxFailures);
  const lines = text.split('\n');
  lines.pop();
  for (const line of lines) parser.push(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
  return parser.finish();
}

describe('eslint bulk count once full', () => {
  const text = stylish + ODD + '\n' + stylish.replace(/\n\n/, `\n${ODD}\n\n`) + ODD + '\n';

  it.each([
    [0, 7],
    [1, 61],
    [3, 4093],
    [0, 64 * 1024],
  ])('counts as push does (maxFailures %i, chunks of %i)', (maxFailures, size) => {
    const stream = new FeedbackStream({ runner: 'eslint', maxFailures });
    for (let o = 0; o < text.length; o += size) stream.write(text.slice(o, o + size));
    const report = stream.end();
    expect(report).toEqual(perLine(text, maxFailures));
    expect(report.failed).toBeGreaterThan(10);
  });
});
