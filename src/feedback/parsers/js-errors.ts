/** Kind normalisation shared by the JS runners, so the same failure reads the same whichever runner ran it. */
import type { ReportBuilder } from '../builder.js';
import type { ErrorInfo } from '../extract.js';

const TIMEOUT = /\btimed out\b|Exceeded timeout|Timeout of \d+ ?ms exceeded/i;

export function normalizeJsKind(info: ErrorInfo): ErrorInfo {
  if (info.kind === 'Error' || info.kind === 'JestAssertionError') {
    if (/^expect\(/.test(info.message)) info.kind = 'AssertionError';
    else if (TIMEOUT.test(info.message)) info.kind = 'Timeout';
  }
  return info;
}

/** Adds a Jest/Vitest test summary (`4 failed, 1 skipped, 1 passed`); suites that failed to run count as failed. */
export function addTestsSummary(builder: ReportBuilder, text: string, suiteErrors: number): void {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let todo = 0;
  COUNT_WORD.lastIndex = 0;
  for (let m = COUNT_WORD.exec(text); m !== null; m = COUNT_WORD.exec(text)) {
    const n = Number(m[1]);
    const word = m[2];
    // The last figure of a word wins, as a map of word to figure would keep it.
    if (word === 'passed') passed = n;
    else if (word === 'failed') failed = n;
    else if (word === 'skipped') skipped = n;
    else if (word === 'todo') todo = n;
  }
  builder.addSummary({ passed, failed: failed + suiteErrors, skipped: skipped + todo });
}

const COUNT_WORD = /(\d+) (\w+)/g;

/** `/\s/.test(line[i])` for an index inside the line (by code unit, as `\s` of a regex without `u`). */
export function isSpaceAt(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  return /\s/.test(line[i]!);
}

/** `line.trimEnd().endsWith('{')`, by position when the line ends in a plain character. */
export function endsWithBrace(line: string): boolean {
  let j = line.length - 1;
  let c = line.charCodeAt(j);
  while (c === 0x20 || c === 0x09) c = line.charCodeAt(--j);
  if (c === 0x7b /* { */) return true;
  return j >= 0 && isSpaceAt(line, j) ? line.trimEnd().endsWith('{') : false;
}

/** `dedent(lines).join('\n')` without its arrays: each line's indent by position when it starts plainly. */
export function dedentedText(lines: string[]): string {
  let min = Infinity;
  let first = -1;
  let last = -1;
  for (let k = 0; k < lines.length; k++) {
    const n = indentOf(lines[k]!);
    if (n < 0) continue;
    if (first < 0) first = k;
    last = k;
    if (n < min) min = n;
  }
  let out = '';
  for (let k = first; k >= 0 && k <= last; k++) {
    const line = lines[k]!;
    if (k > first) out += '\n';
    if (indentOf(line) >= 0) out += trimmedEnd(line.slice(min));
  }
  return out;
}

/** `line.length - line.trimStart().length`, or -1 for a blank line (`!line.trim()`). */
function indentOf(line: string): number {
  let i = 0;
  let c = line.charCodeAt(0);
  while (c === 0x20 || c === 0x09) c = line.charCodeAt(++i);
  if (i === line.length) return -1;
  if (c < 0x80 && !(c >= 0x0a && c <= 0x0d)) return i;
  const rest = line.trimStart();
  return rest ? line.length - rest.length : -1;
}

/** `text.trimEnd()`, without a call when the last character is plainly no whitespace. */
function trimmedEnd(text: string): string {
  const c = text.charCodeAt(text.length - 1);
  return c < 0x80 && c !== 0x20 && !(c >= 0x09 && c <= 0x0d) ? text : text.trimEnd();
}
