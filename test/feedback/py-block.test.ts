// The one-pass pytest block reader (parsers/py-block.ts) against the regex battery it replaced, kept here as the
// reference: every line the first-character dispatch treats differently (blanks, wide spaces, controls, `E`
// lines, captured output, locals, native tracebacks) in blocks built from a seeded random mix.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parsePythonTraceback,
  pythonException,
  withExpectedActual,
  type ErrorInfo,
} from '../../src/feedback/extract.js';
import { frame } from '../../src/feedback/paths.js';
import { parsePytestBlock } from '../../src/feedback/parsers/py-block.js';
import { dedent } from '../../src/feedback/text.js';
import type { Frame, Locals } from '../../src/feedback/types.js';

function referenceBlock(lines: string[]): ErrorInfo & { locals?: Locals } {
  if (
    lines.some((l) => /^\s*Traceback \(most recent call last\):/.test(l)) &&
    !lines.some((l) => /^E\s/.test(l))
  ) {
    const native = parsePythonTraceback(lines);
    if (native) return native;
  }
  const xpass = lines.map((l) => /^\[(XPASS\(strict\))\] ?(.*)$/.exec(l)).find(Boolean);
  if (xpass) return { kind: xpass[1]!, message: xpass[2]!, frames: [] };
  const frames: Frame[] = [];
  const eLines: string[] = [];
  let lastKind = '';
  let locals: Locals = {};
  let shortStyle = false;
  for (const line of lines) {
    if (/^-+ Captured (?:stdout|stderr|log) (?:setup|call|teardown) -+$/.test(line)) break;
    if (/^E(\s|$)/.test(line)) {
      eLines.push(line.slice(1));
      continue;
    }
    if (/^_ _ _/.test(line)) {
      locals = {};
      continue;
    }
    const short = /^(\S.*?):(\d+): in (.+)$/.exec(line);
    if (short) {
      shortStyle = true;
      frames.push(frame(short[1]!, Number(short[2]), short[3]));
      locals = {};
      continue;
    }
    const loc = /^(\S.*?\.py|<[^>]+>):(\d+): ?(.*)$/.exec(line);
    if (loc) {
      frames.push(frame(loc[1]!, Number(loc[2])));
      if (loc[3]) lastKind = loc[3].trim();
      continue;
    }
    const LOCAL = /^([A-Za-z_]\w*)\s*= (.*)$/;
    const local =
      LOCAL.exec(line) ??
      (shortStyle && /^ {8}[A-Za-z_]\w* +=/.test(line) ? LOCAL.exec(line.slice(8)) : null);
    if (local) {
      const parts = local[2]!.split(/, (?=[A-Za-z_]\w* = )/);
      locals[local[1]!] = parts[0]!;
      for (const part of parts.slice(1)) {
        const eq = part.indexOf(' = ');
        locals[part.slice(0, eq)] = part.slice(eq + 3);
      }
    }
  }
  frames.reverse();
  const e = dedent(eLines);
  let info: ErrorInfo;
  const k = e.findIndex((l) => /^[A-Za-z_][\w.]*(:|$)/.test(l) && pythonException(l).kind !== 'Error');
  if (k >= 0) {
    for (const l of e.slice(0, k)) {
      const m = /^\s*File "(.+)", line (\d+)/.exec(l);
      if (m) frames.unshift(frame(m[1]!, Number(m[2])));
    }
    info = { ...pythonException(e[k]!, e.slice(k + 1)), frames };
  } else {
    const kind = lastKind || (e[0]?.startsWith('assert ') ? 'AssertionError' : 'Error');
    info = { kind, message: e.join('\n'), frames };
  }
  const out: ErrorInfo & { locals?: Locals } = withExpectedActual(info);
  if (Object.keys(locals).length) out.locals = locals;
  return out;
}

const ODD_LINES = [
  '',
  'E',
  'E ',
  'E\tKeyError: 1',
  'E\u00a0ValueError: wide space',
  'E\u2028x',
  'Error: not an E line',
  'EOFError: at column 0',
  'E       assert 2 == 2.5',
  'E       AssertionError: assert 1 == 2',
  'E         - left: 1',
  'E         + right: 2',
  'E        Expected: 3',
  'E        Received: 4',
  'E       Error: boom',
  'E       __proto__: odd',
  'E         File "/app/calc/x.py", line 3, in f',
  'Traceback (most recent call last):',
  '  Traceback (most recent call last):',
  '\tTraceback (most recent call last):',
  '\u00a0Traceback (most recent call last):',
  '\u000bTraceback (most recent call last):',
  '  File "/app/calc/stats.py", line 8, in normalize',
  '  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads',
  "KeyError: 'age'",
  'ValueError',
  '    raise KeyError(1)',
  '[XPASS(strict)] strict xfail',
  '[XPASS(strict)]',
  '[XPASS(strict)] odd\u2028line',
  '[note] not xpass',
  '----------------------------- Captured stdout call -----------------------------',
  '-------- Captured log setup --------',
  '- Captured stderr teardown -',
  '-- Captured nothing --',
  '_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ ',
  '_ _ not quite',
  '_private = 3',
  'tests/test_stats.py:13: AssertionError',
  'tests/test_stats.py:22: ',
  'tests/test_stats.py:22:',
  'calc/stats.py:8: in normalize',
  'calc/stats.py:8: in ',
  '<string>:1: in <module>',
  '<frozen importlib._bootstrap>:241: ImportError',
  '\u0001calc/x.py:3: in f',
  '\u00e9t\u00e9.py:4: in g',
  'x.py:9: ValueError\u2028odd',
  "record = {'name': ' ada '}",
  "text = '2 50', cents = 250",
  'a = 1, b = 2, __proto__ = 3',
  '__proto__ = 1',
  'value=  no space after',
  'name   = spaced',
  '        record   = {}',
  '        bad-name = 1',
  '       seven = 1',
  '    def test_mean_of_integers():',
  '>       assert mean(values) == 2.5',
  '\u3000ideographic space start',
];

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('parsePytestBlock', () => {
  const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
  const pytest = readFileSync(join(root, 'pytest/long.log'), 'utf8').split('\n');

  it('reads each odd line alone as the regex battery does', () => {
    for (const line of ODD_LINES) expect(parsePytestBlock([line])).toEqual(referenceBlock([line]));
  });

  it('reads random blocks of odd and real lines as the regex battery does', () => {
    const pool = [...ODD_LINES, ...pytest];
    const next = random(7);
    for (let n = 0; n < 3000; n++) {
      const lines = Array.from(
        { length: 1 + Math.floor(next() * 14) },
        () => pool[Math.floor(next() * pool.length)]!,
      );
      expect(parsePytestBlock(lines)).toEqual(referenceBlock(lines));
    }
  });
});
