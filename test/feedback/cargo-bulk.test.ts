// cargo's bulk path reads a failure's block by its lines' first characters (kept until full, counted after): each
// fixture, repeated with odd lines inside its blocks, must give the report of the parser fed line by line, whatever
// the chunking and the cap; the first-character test is the multiline pattern it replaced, on many lines.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedbackStream, type TestReport } from '../../src/feedback/index.js';
import { isBlockStop, CargoParser } from '../../src/feedback/parsers/cargo.js';
import { perLine } from '../helpers/per-line.js';

const root = new URL('../fixtures/feedback/cargo/', import.meta.url).pathname;

// The pattern of the previous bulk path (`linePattern` of bulk.ts, chain stops in front).
const BLOCK_STOPS =
  /^(?:([{[\ufeff]|\d{4}-\d\d-\d\dT)|-{3}|test result: |failures:$|[^\S\n]*(?:PASS|FAIL|SKIP|FLAKY|TIMEOUT|SIG|ABORT|LEAK|TRY|SLOW|Summary))/;

// Lines that look like a block's end or a nextest line at their first characters only, blanks of every kind.
const ODD = [
  '',
  '\t',
  '\u00a0',
  '\u00a0PASS',
  '\ufeffx',
  '--',
  '---',
  '----',
  '---- not a block',
  'failures',
  'failures:',
  'failures: x',
  'test result:',
  'test result: ok. 1 passed; 0 failed; 0 ignored',
  'test x ... ok',
  '  PASS [ 0.1s] a b',
  '    FAIL',
  'SLOWLY',
  'Summary',
  'TRY 2 FAIL',
  'ABORTED',
  'LEAK',
  'A',
  'L',
  'T',
  '2026-11-30 not a stamp',
  '   0: core::panicking::panic',
  '             at ./src/lib.rs:3:5',
  'note: run with `RUST_BACKTRACE=1`',
  "thread 'x' panicked at src/lib.rs:1:1:",
];

function chunked(text: string, size: number, maxFailures?: number): TestReport {
  const stream = new FeedbackStream({
    runner: 'cargo',
    ...(maxFailures === undefined ? {} : { maxFailures }),
  });
  for (let o = 0; o < text.length; o += size) stream.write(text.slice(o, o + size));
  return stream.end();
}

describe('cargo bulk path', () => {
  it('tells a block stop as the multiline pattern did', () => {
    const fixtures = readdirSync(root)
      .filter((f) => f.endsWith('.log'))
      .flatMap((f) => readFileSync(join(root, f), 'utf8').split('\n'));
    const chars = [
      '-',
      't',
      'f',
      ' ',
      '\t',
      'P',
      'F',
      'S',
      'T',
      'A',
      'L',
      'x',
      '{',
      '[',
      '1',
      '\u00a0',
      '\ufeff',
    ];
    const words = [
      '--',
      'PASS',
      'FAIL',
      'Summary',
      'test result: ',
      'failures:',
      'SIG',
      'TRY',
      '2026-11-30T',
      'x',
    ];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    const random = Array.from({ length: 5000 }, () => {
      let line = '';
      for (let k = rand(5); k >= 0; k--)
        line += rand(2) ? chars[rand(chars.length)] : words[rand(words.length)];
      return line;
    });
    for (const line of [...ODD, ...fixtures, ...random]) {
      const text = `${line}\n`;
      expect([line, isBlockStop(text, 0, line.length)]).toEqual([line, BLOCK_STOPS.test(line)]);
    }
  });

  const files = readdirSync(root).filter((f) => f.endsWith('.log'));
  describe.each(files)('%s', (file) => {
    const unit = readFileSync(join(root, file), 'utf8').replace(/\n?$/, '\n');
    // The odd lines between copies, and those that end no block inside the first block of each copy (before its
    // panic line and inside its backtrace; a nextest status line would make the rest nextest's).
    const odd = ODD.join('\n');
    const kept = ODD.filter((l) => !/^(failures:$|test result: |thread | {2}PASS \[)/.test(l)).join('\n');
    const inside = unit
      .replace(/( stdout ----\n)/, `$1${kept}\n`)
      .replace(/(stack backtrace:\n)/, `$1${kept}\n`);
    const text = `${inside.repeat(3)}${odd}\n${unit.repeat(3)}`;
    it.each([undefined, 0, 1, 2])('reads as line by line with the cap %s', (max) => {
      const expected = perLine(new CargoParser(max), text);
      for (const size of [text.length, 61, 7]) expect(chunked(text, size, max)).toEqual(expected);
    });
  });
});

describe('libtest json events', () => {
  // Failed events whose output holds lines that `push` reads itself (a block's end, a summary, a nested event, a
  // nextest status): the report must be that of the text lines the events stand for, before and after the cap.
  const outputs = [
    "\nthread 'a' panicked at src/lib.rs:1:5:\nboom\n",
    '\nfailures:\nafter\n',
    '\nfailures: x\ntest result: ok. 5 passed; 0 failed; 0 ignored\n',
    "---- other stdout ----\nthread 'other' panicked at src/lib.rs:2:5:\nbang\n",
    '{ "type": "suite", "event": "ok", "passed": 3, "failed": 0, "ignored": 0 }\n',
    '{"type":"test","name":"inner","event":"failed","stdout":"x"}',
    '\r\u00a0FAIL\n',
    '',
  ];
  const names = ['tests::a', 'tests::b\nwith a line end', 'tests::c'];
  const events: string[] = [];
  const text: string[] = [];
  for (let i = 0; i < 30; i++) {
    const name = names[i % names.length]!;
    const stdout = outputs[i % outputs.length]!;
    events.push(JSON.stringify({ type: 'test', name, event: 'failed', stdout }));
    text.push(`---- ${name} stdout ----`, ...stdout.split('\n'), 'failures:');
    events.push('{ "type": "test", "event": "started", "name": "tests::x" }');
    if (i % 7 === 6) {
      events.push('{ "type": "suite", "event": "started", "test_count": 5 }');
      events.push('{ "type": "suite", "event": "\\u006fk", "passed": 2, "failed": 1, "ignored": 1 }');
      text.push('test result: ok. 2 passed; 1 failed; 1 ignored');
    }
  }
  // A nextest status line last: the log is nextest's from there.
  const status = '  PASS [   0.010s] shop tests::ok';
  events.push(JSON.stringify({ type: 'test', name: 'tests::d', event: 'failed', stdout: `${status}\nx` }));
  text.push('---- tests::d stdout ----', status, 'x', 'failures:');
  const feed = (lines: string[], max?: number) => {
    const parser = new CargoParser(max);
    for (const line of lines) parser.push(line);
    return parser.finish();
  };
  it.each([undefined, 0, 1, 2, 5])('reads as the lines they stand for with the cap %s', (max) => {
    const expected = feed(text, max);
    expect(expected.failed).toBe(4);
    expect(expected.failures.length).toBe(Math.min(max ?? 29, 29));
    expect(feed(events, max)).toEqual(expected);
  });
});
