// Line hygiene, Actions stamps and line walks by position must agree with the regexes they replace (the general
// path), on the lines a CI log really holds and on the odd ones around them.
import { ActionsFramer } from '../../src/feedback/actions.js';
import { blockerAt, columnStampAt, controlAt } from '../../src/feedback/bulk.js';
import { firstChars, NEXT, walkLines } from '../../src/feedback/parsers/line-scan.js';
import { cleanLine } from '../../src/feedback/text.js';

// The general path of cleanLine, as it was written with regexes only.
/* eslint-disable no-control-regex */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const CONTROL = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]/g;
/* eslint-enable no-control-regex */
function reference(raw: string): string | null {
  let line = raw.slice(0, 16_384);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  line = line.replace(ANSI, '');
  const cr = line.lastIndexOf('\r');
  if (cr >= 0) line = line.slice(cr + 1);
  const noise = line.match(CONTROL) ?? [];
  if (noise.length * 10 > line.length) return null;
  return line.replace(CONTROL, '');
}

const LINES = [
  '\x1b[1;31m[ERROR]\x1b[m Tests run: 3, Failures: 1',
  '\x1b[0m\x1b[0m[INFO] Scanning for projects...',
  '  \x1b[32m✓\x1b[39m adds numbers \x1b[2m(3 ms)\x1b[22m',
  '\x1b[31m',
  'tail\x1b[',
  'tail\x1b[12',
  '\x1b[?25l\x1b[2K\x1b[1G progress',
  '\x1b[38;5;196mred\x1b[0m\r',
  'one\rtwo \x1b[1mbold\x1b[0m',
  '\x1b]8;;https://example.com\x07link\x1b]8;;\x07 text',
  'lone \x1b escape',
  '\x1b(B charset',
  '\x1b[1m\x00\x01 binary',
  '\x1b[1m\ufffd replacement',
  '\x1b[1m\x1b[\x01m odd',
  'plain line',
  '',
];

it('strips colour codes by position exactly as the regexes do', () => {
  for (const line of LINES) expect([line, cleanLine(line)]).toEqual([line, reference(line)]);
  // Random mixes of colour codes, text, escapes and controls.
  const parts = [
    '\x1b[',
    '\x1b',
    '1',
    ';',
    '31',
    'm',
    '?',
    ' ',
    '!',
    'abc',
    '\r',
    '\x07',
    ']',
    '\x00',
    'é',
    '\t',
  ];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % parts.length;
  for (let n = 0; n < 5000; n++) {
    let line = '';
    for (let k = next() + 2; k > 0; k--) line += parts[next()];
    expect([line, cleanLine(line)]).toEqual([line, reference(line)]);
  }
});

const STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;

it('removes a downloaded log line stamp by position exactly as the regex does', () => {
  const stamps = [
    '2026-11-30T10:00:00.1234567Z ',
    '2026-11-30T10:00:00Z ',
    '2026-11-30T10:00:00Z',
    '2026-11-30T10:00:00.Z ',
    '2026-11-30T10:00:00.5Zx',
    '2026-11-30 10:00:00Z ',
    '2026-11-30T10:00:0aZ ',
    '2026-1x-30T10:00:00Z ',
    '2026-11-30T10:00:00.123 ',
  ];
  for (const stamp of stamps) {
    const line = `${stamp}Building inventory 1.0-SNAPSHOT`;
    const framer = new ActionsFramer();
    const m = STAMP.exec(line);
    expect([line, framer.frame(line, false)]).toEqual([line, m ? line.slice(m[0].length) : line]);
    expect(framer.framed).toBe(m !== null);
  }
});

it('reads `gh run view --log` columns, and a downloaded line that holds tabs by its own stamp', () => {
  const framer = new ActionsFramer();
  expect(framer.frame('test\tRun mvn -B test\t2026-11-30T10:00:00.1234567Z [INFO] Scanning', true)).toEqual({
    type: 'step',
    name: 'test / Run mvn -B test',
  });
  expect(framer.takePending()).toBe('[INFO] Scanning');
  expect(
    framer.frame('test\tRun mvn -B test\t2026-11-30T10:00:00.2Z \tat com.acme.A.b(A.java:3)', true),
  ).toBe('\tat com.acme.A.b(A.java:3)');
  // A stamped line whose text is tab-separated values with a stamp in them is the step's output, not a new step.
  const downloaded = new ActionsFramer();
  expect(downloaded.frame('2026-11-30T10:00:00.1Z id\tname\t2026-11-30T10:00:01Z created', true)).toBe(
    'id\tname\t2026-11-30T10:00:01Z created',
  );
  expect(downloaded.frame('no stamp\there\t2026-11', true)).toBe('no stamp\there\t2026-11');
});

it('keeps a line off the bulk path only for a tab followed by a timestamp (a `gh run view --log` line)', () => {
  const COLUMN = /\t\d{4}-\d\d-\d\dT/g;
  const texts = [
    'test\tRun mvn\t2026-11-30T10:00:00.1Z [INFO] x\n',
    'FAIL\texample.com/shop/cart\t0.005s\n\t/usr/lib/go-1.19/src/testing/testing.go:1446 +0x10b\n',
    '\tat com.acme.A.b(A.java:3)\n',
    'x\t2026-11-30 10:00\n',
    'x\t2026-11-30',
    'x\t2026-11-30T',
    '\t\t2026-1-30T\n',
    'no tab at all\n',
  ];
  const all = texts.join('');
  for (let from = 0; from <= all.length; from++) {
    COLUMN.lastIndex = from;
    expect([from, columnStampAt(all, from)]).toEqual([from, COLUMN.exec(all)?.index ?? Infinity]);
  }
});

it('finds the next bulk blocker and the next control character by position, as the regexes do', () => {
  // eslint-disable-next-line no-control-regex
  const BLOCKER = /[\x00-\x08\x0b-\x1f\x7f\ufffd\u2028\u2029]/g;
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\x00-\x08\x0b-\x1f\x7f\ufffd]/g;
  const alphabet = [
    'a',
    ' ',
    '\t',
    '\n',
    '\x1b',
    '\r',
    '\x00',
    '\x7f',
    '\x08',
    '\x0b',
    '\ufffd',
    '\u2028',
    '\u2029',
    'é',
    '\x1f',
    '\x20',
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let n = 0; n < 200; n++) {
    let text = '';
    const length = Math.floor(random() * 40);
    for (let i = 0; i < length; i++)
      text += random() < 0.8 ? 'x' : alphabet[Math.floor(random() * alphabet.length)];
    for (let from = 0; from <= text.length; from++) {
      BLOCKER.lastIndex = from;
      CONTROL.lastIndex = from;
      expect([text, from, blockerAt(text, from), controlAt(text, from)]).toEqual([
        text,
        from,
        BLOCKER.exec(text)?.index ?? Infinity,
        CONTROL.exec(text)?.index ?? Infinity,
      ]);
    }
  }
});

it('walks a text whose last line has no line end to its end, not around again', () => {
  const wanted = firstChars('a');
  const walk = (text: string) => {
    const seen: string[] = [];
    const end = walkLines(text, 0, text.length, wanted, (s, e) => (seen.push(text.slice(s, e)), NEXT));
    return { end, seen };
  };
  // The unterminated last line is no whole line: it is left to the per-line path, wanted or not.
  expect(walk('xyz\nabc\nqrs')).toEqual({ end: 11, seen: ['abc'] });
  expect(walk('abc\nxyz\nabc')).toEqual({ end: 11, seen: ['abc'] });
});
