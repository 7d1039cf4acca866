// The one-pass JS error reader (`parseJsError` in extract.ts) against the regex battery it replaced, kept here as
// the reference: every line the first-character looks treat differently (blanks, wide spaces, controls, headers,
// frames, code frames, Node's dumped `{ … }`) in blocks built from a seeded random mix of odd and real lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsFrame, parseJsError, withExpectedActual, type ErrorInfo } from '../../src/feedback/extract.js';
import { dedent } from '../../src/feedback/text.js';
import type { Frame } from '../../src/feedback/types.js';

const VITEST_AT = /^\s*❯ (?:(\S+) )?(\S+?):(\d+):(\d+)$/;
const JS_HEADER = /^\s*(?:Uncaught )?([A-Z]\w*(?:Error|Exception)|Error)(?: \[[\w$.-]+\])?(?::\s?(.*))?$/;
const CODE_FRAME = /^\s*(?:>\s*)?\d+\s*\||^\s*\|\s*\^?|^\s*\d+\|/;
const DUMPED = /^\s+(actual|expected): (.+?),?$/;

const isStack = (line: string) => /^\s*at \S/.test(line) || VITEST_AT.test(line);

function referenceJsError(all: string[]): ErrorInfo {
  const first = all.findIndex((l) => JS_HEADER.test(l) || isStack(l));
  const lines = first > 0 && JS_HEADER.test(all[first]!) ? all.slice(first) : all;
  const frames: Frame[] = [];
  const message: string[] = [];
  let kind = '';
  let headline = '';
  let inMessage = true;
  let dumped: Record<string, string> = {};
  for (const line of lines) {
    if (isStack(line)) {
      const f = jsFrame(line);
      if (f) frames.push(f);
      inMessage = false;
      if (line.trimEnd().endsWith('{')) dumped = {};
      continue;
    }
    if (!inMessage) {
      const prop = DUMPED.exec(line);
      if (prop) dumped[prop[1]!] = prop[2]!;
      continue;
    }
    if (CODE_FRAME.test(line)) {
      inMessage = false;
      continue;
    }
    const header = kind || message.length ? null : JS_HEADER.exec(line);
    if (header) {
      kind = header[1]!;
      headline = header[2] ?? '';
      continue;
    }
    message.push(line);
  }
  const text = (kind ? [headline, ...dedent(message)].filter((l, i) => i > 0 || l) : dedent(message))
    .join('\n')
    .trim();
  const info: ErrorInfo = { kind: kind || 'Error', message: text, frames };
  if (dumped.actual !== undefined && dumped.expected !== undefined) {
    info.actual = dumped.actual;
    info.expected = dumped.expected;
    return info;
  }
  return withExpectedActual(info);
}

const ODD_LINES = [
  '',
  ' ',
  '\t',
  '   \t  ',
  '\u00a0',
  '\u3000 ',
  '\u000b',
  '\r',
  'Error',
  'Error:',
  'Error: ',
  'Error:  ',
  'Error: boom  ',
  'Error: boom\t',
  'Error: boom\u00a0',
  'TypeError: Cannot read properties of undefined',
  '  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:',
  '\tRangeError: tab indent',
  '\u00a0SyntaxError: wide space indent',
  '\u000bError: vertical tab',
  'Uncaught ReferenceError: x is not defined',
  'MyException: custom',
  'Errors: not a header',
  'at',
  'at ',
  'at  x',
  'at\tx',
  'at x',
  'at\u00a0x',
  '    at Object.<anonymous> (test/a.test.js:5:43)',
  '    at async run (node:internal/test_runner/test:1:2)',
  '    at file:///app/src/x.mjs:3:9',
  '    at node:internal/main/run_main_module:28:49 {',
  '    at node:internal/main/run_main_module:28:49 {  ',
  '    at node:internal/main/run_main_module:28:49 {\u00a0',
  '    at x {\t',
  '    at <anonymous>',
  '\u00a0   at wide (src/w.js:1:1)',
  '\u000b at vt (src/v.js:1:1)',
  '  ❯ test/cart.test.js:5:43',
  '  ❯ total src/cart.js:9:35',
  '\u00a0❯ src/wide.js:1:2',
  '❯',
  "  code: 'ERR_ASSERTION',",
  '  actual: 5,',
  '  expected: 6,',
  '  expected: 6',
  'actual: 1',
  '\u00a0 actual: wide,',
  '  generatedMessage: true,',
  '}',
  '{',
  '   7 | function applyCoupon(cart, code) {',
  '>  9 |   return cart.total;',
  '    |   ^',
  '|',
  '12|x',
  '\u00a012 | wide',
  '5 !== 6',
  '  5 != 6',
  'assert 1 == 2',
  'expected 1 to equal 2',
  'got 1, want 2',
  'Expected: 6',
  'Received: 5',
  '    Expected: "a"',
  '    Received: "b"',
  '  left: 1',
  '  right: 2',
  'expect(received).toBe(expected) // Object.is equality',
  '    thrown: "Exceeded timeout of 200 ms for a test.',
  '      + expected - actual',
  '      -5',
  '      +6',
  '      ',
  '\u00e9t\u00e9 plain',
  '    trailing spaces   ',
  '    trailing tab\t',
  '    trailing wide\u3000',
  '    trailing vt\u000b',
  '\u0001control start',
  '  \u001fcontrol after indent',
  '\ufeffbom start',
  '/app/src/x.js:3',
  "  throw new Error('boom');",
  '  ^',
  'Node.js v20.11.0',
];

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('parseJsError', () => {
  const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
  const real = ['jest/default.log', 'vitest/default.log', 'mocha/spec.log', 'node-test/spec.log'].flatMap(
    (f) => readFileSync(join(root, f), 'utf8').split('\n'),
  );

  it('reads each odd line alone, and in pairs, as the regex battery does', () => {
    for (const a of ODD_LINES) {
      expect(parseJsError([a])).toEqual(referenceJsError([a]));
      for (const b of ODD_LINES) expect(parseJsError([a, b])).toEqual(referenceJsError([a, b]));
    }
  });

  it('reads random blocks of odd and real lines as the regex battery does', () => {
    const pool = [...ODD_LINES, ...real];
    const next = random(11);
    for (let n = 0; n < 5000; n++) {
      const lines = Array.from(
        { length: 1 + Math.floor(next() * 16) },
        () => pool[Math.floor(next() * pool.length)]!,
      );
      expect(parseJsError(lines)).toEqual(referenceJsError(lines));
    }
  });
});
