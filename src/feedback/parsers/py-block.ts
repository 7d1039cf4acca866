/**
 * One pytest failure block (any traceback style) read in one pass: each line's first character decides which
 * patterns can match it, and a pattern runs only behind a literal it needs (the patterns still decide).
 */
import {
  isPythonExceptionLine,
  parsePythonTraceback,
  pythonException,
  withExpectedActual,
  type ErrorInfo,
} from '../extract.js';
import { frame } from '../paths.js';
import { dedent } from '../text.js';
import type { Frame, Locals } from '../types.js';

const CAPTURED = /^-+ Captured (?:stdout|stderr|log) (?:setup|call|teardown) -+$/;
const SHORT_FRAME = /^(\S.*?):(\d+): in (.+)$/;
const LONG_LOCATION = /^(\S.*?\.py|<[^>]+>):(\d+): ?(.*)$/;
const LOCAL = /^([A-Za-z_]\w*)\s*= (.*)$/;
const SHORT_LOCAL = /^ {8}[A-Za-z_]\w* +=/;
const PY_FILE = /^\s*File "(.+)", line (\d+)/;
const TRACEBACK = /^\s*Traceback \(most recent call last\):/;
const TRACEBACK_TEXT = 'Traceback (most recent call last):';
const XPASS = /^\[(XPASS\(strict\))\] ?(.*)$/;
const WIDE_SPACE = /\s/;
const EXCEPTION_START = /^[A-Za-z_][\w.]*(:|$)/;

/** Parses one failure block of pytest (any traceback style) into kind, message, frames and locals. */
export function parsePytestBlock(lines: string[]): ErrorInfo & { locals?: Locals } {
  const frames: Frame[] = [];
  const eLines: string[] = [];
  let lastKind = '';
  let locals: Locals | null = null;
  let shortStyle = false;
  // What decides a native traceback or an XPASS, read over every line (the traceback loop stops at captured output).
  let traceback = false;
  let eSpace = false;
  let xpass: RegExpExecArray | null = null;
  let captured = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const c = line.charCodeAt(0);
    if (c !== c) continue; // an empty line: no pattern matches it
    if (c === 0x45 /* E */) {
      const space = isSpaceAt(line, 1);
      if (space) eSpace = true;
      if (!captured && (space || line.length === 1)) {
        eLines.push(line.slice(1));
        continue;
      }
    } else if (c === 0x5b /* [ */) {
      if (xpass === null) xpass = XPASS.exec(line);
    } else if (!traceback && (c === 0x54 /* T */ || c <= 0x20 || c > 0x7f) && isTraceback(line, c)) {
      traceback = true;
    }
    if (captured) continue;
    if (c === 0x2d /* - */ && CAPTURED.test(line)) {
      captured = true; // the test's own output follows: nothing of the traceback after it
      continue;
    }
    if (c === 0x5f /* _ */ && line.startsWith('_ _ _')) {
      locals = null;
      continue;
    }
    if (isSpaceAt(line, 0)) {
      // Indented: only a short-style local (`        name = value`) is read.
      if (shortStyle && c === 0x20 && SHORT_LOCAL.test(line)) {
        const local = LOCAL.exec(line.slice(8));
        if (local) locals = addLocals(locals, local[1]!, local[2]!);
      }
      continue;
    }
    const short = line.includes(': in ') ? SHORT_FRAME.exec(line) : null;
    if (short) {
      shortStyle = true;
      frames.push(frame(short[1]!, Number(short[2]), short[3]));
      locals = null;
      continue;
    }
    const loc = c === 0x3c /* < */ || line.includes('.py:') ? LONG_LOCATION.exec(line) : null;
    if (loc) {
      frames.push(frame(loc[1]!, Number(loc[2])));
      if (loc[3]) lastKind = loc[3].trim();
      continue;
    }
    // Locals (`-l`) are at column 0 in long style, indented 8 under their frame in short style.
    const local = isNameStart(c) && line.includes('= ') ? LOCAL.exec(line) : null;
    if (local) locals = addLocals(locals, local[1]!, local[2]!);
  }
  if (traceback && !eSpace) {
    const native = parsePythonTraceback(lines);
    if (native) return native;
  }
  if (xpass) return { kind: xpass[1]!, message: xpass[2]!, frames: [] };
  frames.reverse();
  const e = dedent(eLines);
  let info: ErrorInfo;
  let k = -1;
  for (let i = 0; i < e.length; i++) {
    const l = e[i]!;
    if (isNameStart(l.charCodeAt(0)) && EXCEPTION_START.test(l) && isPythonExceptionLine(l)) {
      k = i;
      break;
    }
  }
  if (k >= 0) {
    for (let i = 0; i < k; i++) {
      const m = PY_FILE.exec(e[i]!);
      if (m) frames.unshift(frame(m[1]!, Number(m[2])));
    }
    const { kind, message } = pythonException(e[k]!, e.slice(k + 1));
    info = { kind, message, frames };
  } else {
    const kind = lastKind || (e[0]?.startsWith('assert ') ? 'AssertionError' : 'Error');
    info = { kind, message: e.join('\n'), frames };
  }
  const out: ErrorInfo & { locals?: Locals } = withExpectedActual(info);
  if (locals !== null && Object.keys(locals).length) out.locals = locals;
  return out;
}

/** `^\s*Traceback \(most recent call last\):` for a line starting with `c`. */
function isTraceback(line: string, c: number): boolean {
  if (c === 0x54) return line.startsWith(TRACEBACK_TEXT);
  if (c !== 0x20 && c !== 0x09) return TRACEBACK.test(line);
  let i = 1;
  let d = line.charCodeAt(1);
  while (d === 0x20 || d === 0x09) d = line.charCodeAt(++i);
  if (d === 0x54) return line.startsWith(TRACEBACK_TEXT, i);
  return (d < 0x20 || d > 0x7f) && TRACEBACK.test(line);
}

/** True when `line[i]` is whitespace (`\s`). */
export function isSpaceAt(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  if (c === 0x20 || c === 0x09) return true;
  return (c < 0x20 || c > 0x7f) && WIDE_SPACE.test(line[i] ?? '');
}

/** `[A-Za-z_]`. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** Long style prints a test's arguments on one line (`text = '2 50', cents = 250`); `-l` prints one per line. */
function addLocals(into: Locals | null, name: string, value: string): Locals {
  const locals = into ?? {};
  if (!value.includes(' = ')) {
    locals[name] = value;
    return locals;
  }
  const parts = value.split(/, (?=[A-Za-z_]\w* = )/);
  locals[name] = parts[0]!;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf(' = ');
    locals[part.slice(0, eq)] = part.slice(eq + 3);
  }
  return locals;
}
