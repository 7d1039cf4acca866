/** Extractors shared by several parsers: Python tracebacks, JS error blocks, expected vs actual. */
import { frame } from './paths.js';
import { Memo } from './memo.js';
import type { Frame } from './types.js';
import { dedentedText, endsWithBrace, isSpaceAt } from './parsers/js-errors.js';

export interface ErrorInfo {
  kind: string;
  message: string;
  frames: Frame[];
  expected?: string;
  actual?: string;
}

const PY_TRACEBACK = /^(\s*)Traceback \(most recent call last\):\s*$/;
const PY_FILE = /^\s*File "(.+)", line (\d+)(?:, in (.+))?$/;
const PY_EXC = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
const PY_CHAIN = /^(During handling of the above exception|The above exception was the direct cause)/;

/** A Python exception as printed by `traceback`: the last traceback of a chain, frames innermost first. */
export function parsePythonTraceback(lines: string[]): ErrorInfo | null {
  let start = -1;
  let base = '';
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    const m = firstWordMay(line, 0x54 /* T */) ? PY_TRACEBACK.exec(line) : null;
    if (m) {
      start = i;
      base = m[1]!;
      break;
    }
  }
  if (start < 0) return null;
  const frames: Frame[] = [];
  let i = start + 1;
  let excLine = -1;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    const file = firstWordMay(line, 0x46 /* F */) ? PY_FILE.exec(line) : null;
    if (file) {
      frames.unshift(frame(file[1]!, Number(file[2]), file[3]));
      continue;
    }
    // A line at the traceback's indent that starts with no blank (so it is not blank either).
    if (base.length < line.length && line.startsWith(base) && !isWhiteSpace(line, base.length)) {
      excLine = i;
      break;
    }
  }
  if (excLine < 0) return { kind: 'Error', message: '', frames };
  let end = excLine + 1;
  while (end < lines.length && !isChainLine(lines[end]!)) end++;
  const { kind, message } = pythonException(
    lines[excLine]!.slice(base.length),
    lines.slice(excLine + 1, end),
  );
  return withExpectedActual({ kind, message, frames });
}

const WHITE_SPACE = /\s/;

/** `/\s/.test(line[i])` for an index inside the line. */
function isWhiteSpace(line: string, i: number): boolean {
  const c = line.charCodeAt(i);
  if (c === 0x20 || c === 0x09) return true;
  return (c < 0x20 || c > 0x7f) && WHITE_SPACE.test(line[i]!);
}

/**
 * False when the line's first character after spaces and tabs is printable ASCII other than `first`: then no
 * `^\s*X` pattern whose X starts with `first` can match it (an empty line, a wide blank or a control: maybe).
 */
function firstWordMay(line: string, first: number): boolean {
  let i = 0;
  let c = line.charCodeAt(0);
  while (c === 0x20 || c === 0x09) c = line.charCodeAt(++i);
  return c === first || !(c > 0x20 && c < 0x7f);
}

/** `PY_CHAIN.test(line.trim())`: the line that starts the next exception of a chain. */
function isChainLine(line: string): boolean {
  return (firstWordMay(line, 0x44 /* D */) || firstWordMay(line, 0x54 /* T */)) && PY_CHAIN.test(line.trim());
}

/** Splits `KeyError: 'age'` (plus continuation lines) into kind and message. */
export function pythonException(first: string, rest: string[] = []): { kind: string; message: string } {
  const head = first.trim();
  const m = PY_EXC.exec(head);
  let last = rest.length;
  while (last > 0 && !rest[last - 1]!.trimEnd()) last--;
  let tail = '';
  for (let i = 0; i < last; i++) tail += (i ? '\n' : '') + rest[i]!.trimEnd();
  if (m && (m[2] !== undefined || PY_KIND_SUFFIX.test(m[1]!)))
    return { kind: m[1]!, message: joinNonEmpty(m[2] ?? '', tail) };
  return { kind: 'Error', message: joinNonEmpty(head, tail) };
}

/** True when `pythonException(line)` names a kind other than `Error` (without building its message). */
export function isPythonExceptionLine(line: string): boolean {
  const m = PY_EXC.exec(line.trim());
  return m !== null && m[1] !== 'Error' && (m[2] !== undefined || PY_KIND_SUFFIX.test(m[1]!));
}

const PY_KIND_SUFFIX = /(Error|Exception|Exit|Interrupt|Failed|Warning|Iteration)$/;

/** `[a, b].filter(Boolean).join('\n')`. */
function joinNonEmpty(a: string, b: string): string {
  return a && b ? `${a}\n${b}` : a || b;
}

const JS_AT =
  /^\s*(?:at )?(?:(?:async )?(.+?) \((.+?):(\d+):(\d+)\)|(?:async )?((?:file:\/\/|node:|\/|\.{1,2}\/|[\w@-]+\/)[^\s()]*?):(\d+):(\d+))\s*(?:\{)?$/;
const VITEST_AT = /^\s*❯ (?:(\S+) )?(\S+?):(\d+):(\d+)$/;
const JS_HEADER = /^\s*(?:Uncaught )?([A-Z]\w*(?:Error|Exception)|Error)(?: \[[\w$.-]+\])?(?::\s?(.*))?$/;
const CODE_FRAME = /^\s*(?:>\s*)?\d+\s*\||^\s*\|\s*\^?|^\s*\d+\|/;

/** One JS stack frame (`at fn (file:1:2)`, `at file:1:2`, vitest's `❯ file:1:2`), or null. */
export function jsFrame(line: string): Frame | null {
  // Stacks repeat the same frames (runtime internals, the same helper) across failures: each distinct line is
  // resolved once (bounded), and each caller gets its own copy.
  const f = FRAMES.get(line);
  return f && { ...f };
}

const FRAMES = new Memo(resolveJsFrame);

function resolveJsFrame(line: string): Frame | null {
  const m = JS_AT.exec(line);
  if (m) {
    const file = (m[2] ?? m[5])!.replace(/^file:\/\//, '');
    if (file === '<anonymous>' || file === 'native') return null;
    return frame(file, Number(m[3] ?? m[6]), m[1] ? m[1].replace(/^async /, '') : undefined);
  }
  const v = VITEST_AT.exec(line);
  return v ? frame(v[2]!, Number(v[3]), v[1]) : null;
}

/** Index of the first character of `line` that is no space or tab, or -1 when a wider whitespace comes first (the
 * callers then run their regexes: `\s` is more than space and tab). */
function lead(line: string): number {
  let i = 0;
  let c = line.charCodeAt(0);
  while (c === 0x20 || c === 0x09) c = line.charCodeAt(++i);
  return (c >= 0x0a && c <= 0x0d) || (c >= 0x80 && /\s/.test(line[i]!)) ? -1 : i;
}

export function isJsStackLine(line: string): boolean {
  return isStackAt(line, lead(line));
}

/** `isJsStackLine` with `i = lead(line)`: `^\s*at \S` by position after a plain indent. */
function isStackAt(line: string, i: number): boolean {
  if (i < 0) return /^\s*at \S/.test(line) || VITEST_AT.test(line);
  const c = line.charCodeAt(i);
  if (c === 0x61 /* a */)
    return line.startsWith('t ', i + 1) && i + 3 < line.length && !isSpaceAt(line, i + 3);
  return c === 0x276f /* ❯ */ && VITEST_AT.test(line);
}

/** `isHeader(line) ? JS_HEADER.exec(line) : null` with `i = lead(line)` (a header starts with a capital). */
function headerAt(line: string, i: number): RegExpExecArray | null {
  if (i < 0) return JS_HEADER.exec(line);
  const c = line.charCodeAt(i);
  return c >= 0x41 && c <= 0x5a ? JS_HEADER.exec(line) : null;
}

/** `CODE_FRAME.test` with `i = lead(line)`, after a look at the first character (`>`, `|` or a digit). */
function isCodeFrameAt(line: string, i: number): boolean {
  if (i < 0) return CODE_FRAME.test(line);
  const c = line.charCodeAt(i);
  return (c === 0x3e || c === 0x7c || (c >= 0x30 && c <= 0x39)) && CODE_FRAME.test(line);
}

const DUMPED = /^\s+(actual|expected): (.+?),?$/;

/**
 * A JS error block: header (`TypeError: …`), message lines, stack frames. Lines of code frames and the
 * `{ code: … }` dump Node appends are not message. Frames are innermost first, as V8 prints them.
 * One pass, each line's indent found once.
 */
export function parseJsError(all: string[]): ErrorInfo {
  const frames: Frame[] = [];
  const message: string[] = [];
  let kind = '';
  let headline = '';
  let inMessage = true;
  let dumped: Record<string, string> = {};
  // What a crash prints before the error itself (`file:line`, the code line, a caret) is not its message: when
  // the first line that is a header or a frame is a header after other lines, reading starts over at it.
  let looking = true;
  for (let k = 0; k < all.length; k++) {
    const line = all[k]!;
    const i = lead(line);
    const stack = isStackAt(line, i);
    let header: RegExpExecArray | null | undefined;
    if (looking && (stack || (header = headerAt(line, i)) !== null)) {
      looking = false;
      if (!stack && k > 0) {
        message.length = 0;
        inMessage = true;
        dumped = {};
      }
    }
    if (stack) {
      const f = jsFrame(line);
      if (f) frames.push(f);
      inMessage = false;
      if (endsWithBrace(line)) dumped = {};
      continue;
    }
    if (!inMessage) {
      const prop = line.includes('l: ') || line.includes('d: ') ? DUMPED.exec(line) : null;
      if (prop) dumped[prop[1]!] = prop[2]!;
      continue;
    }
    if (isCodeFrameAt(line, i)) {
      inMessage = false;
      continue;
    }
    if (kind || message.length) header = null;
    else if (header === undefined) header = headerAt(line, i);
    if (header) {
      kind = header[1]!;
      headline = header[2] ?? '';
      continue;
    }
    message.push(line);
  }
  const body = dedentedText(message);
  const text = (kind && headline ? (body ? `${headline}\n${body}` : headline) : body).trim();
  const info: ErrorInfo = { kind: kind || 'Error', message: text, frames };
  if (dumped.actual !== undefined && dumped.expected !== undefined) {
    info.actual = dumped.actual;
    info.expected = dumped.expected;
    return info;
  }
  return withExpectedActual(info);
}

// Comparison texts whose first group is the actual value and second the expected one, each behind the literal
// it needs (the unanchored `, want` pattern backtracks over the whole line: never run it on lines without one).
const ACTUAL_EXPECTED: [string, RegExp][] = [
  ['assert ', /^assert (.+?) == (.+)$/],
  [' != ', /^(?:\w+ differ: )?(.+?) != (.+)$/],
  [' !== ', /^(.+?) !== (.+)$/],
  ['expected ', /^expected (.+?) to (?:be|equal|deeply equal|strictly equal|eql) (.+?)(?: \/\/.*)?$/],
  [', want ', /(?:got |= )(.+?), want (.+)$/],
];

/** Fills `expected`/`actual` from the conventional comparison texts of the common assertion styles. */
export function withExpectedActual(info: ErrorInfo): ErrorInfo {
  // Most messages hold none of the markers: one scan of the text instead of four regexes per line.
  const text = info.message;
  if (text.includes('Expected:') || text.includes('left: ')) {
    const lines = text.split('\n');
    const expected = lines.find((l) => /^\s*Expected:\s/.test(l));
    const received = expected ? lines.find((l) => /^\s*Received:\s/.test(l)) : undefined;
    if (expected && received) {
      info.expected = expected.replace(/^\s*Expected:\s+/, '');
      info.actual = received.replace(/^\s*Received:\s+/, '');
      return info;
    }
    const left = lines.find((l) => /^\s*left: /.test(l));
    const right = left ? lines.find((l) => /^\s*right: /.test(l)) : undefined;
    if (left && right) {
      info.actual = left.replace(/^\s*left: /, '');
      info.expected = right.replace(/^\s*right: /, '');
      return info;
    }
  }
  // The first three lines, without splitting the whole message.
  for (let start = 0, n = 0; n < 3 && start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const trimmed = text.slice(start, end).trim();
    start = end + 1;
    for (const [literal, re] of ACTUAL_EXPECTED) {
      if (!trimmed.includes(literal)) continue;
      const m = re.exec(trimmed);
      if (m) {
        info.actual = m[1]!;
        info.expected = m[2]!;
        return info;
      }
    }
  }
  return info;
}
