// The reference a bulk path is checked against: the same parser fed one line at a time, each line cleaned as the
// stream's chain cleans it (colours, carriage returns, the length cap).
import type { LineParser } from '../../src/feedback/builder.js';
import { cleanLine } from '../../src/feedback/text.js';
import type { TestReport } from '../../src/feedback/types.js';

export function perLine(parser: LineParser, text: string): TestReport {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const clean = cleanLine(line);
    if (clean !== null) parser.push(clean);
  }
  return parser.finish();
}
