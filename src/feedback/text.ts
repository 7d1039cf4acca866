/** Line-level text hygiene shared by every parser: ANSI colours, carriage returns, binary noise, long lines. */

// CSI (colours, cursor moves), OSC (titles, hyperlinks) and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]/g;
// eslint-disable-next-line no-control-regex
export const ANY_CONTROL = /[\x00-\x08\x0b-\x1f\x7f\ufffd]/;
// eslint-disable-next-line no-control-regex
const HAS_CONTROL = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\ufffd]/;

/** Longest line kept (characters); the rest of a longer line is dropped. */
export const MAX_LINE = 16_384;

export function stripAnsi(text: string): string {
  return text.includes('\x1b') ? text.replace(ANSI, '') : text;
}

/**
 * Cleans one raw line: strips ANSI, keeps what a terminal would show after a carriage return, caps the length.
 * Returns `null` for a line that is mostly binary noise (so garbage never reaches a parser).
 */
export function cleanLine(raw: string): string | null {
  let line = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) : raw;
  // Fast path: most lines hold no control character at all (no ESC, CR or binary).
  if (!ANY_CONTROL.test(line)) return line;
  // Next most common: colour codes and nothing else (a CI log's coloured output).
  const plain = withoutColour(line);
  if (plain !== null) return plain;
  if (line.endsWith('\r')) line = line.slice(0, -1);
  line = stripAnsi(line);
  const cr = line.lastIndexOf('\r');
  if (cr >= 0) line = line.slice(cr + 1);
  if (!HAS_CONTROL.test(line)) return line;
  const noise = line.match(CONTROL)!;
  if (noise.length * 10 > line.length) return null;
  return line.replace(CONTROL, '');
}

/**
 * A copy of `text` that holds its own characters. A string sliced out of a line shares the chunk it was read
 * from (V8 keeps such a slice as a view), so a failure kept for the report would keep that whole 64 KiB chunk
 * alive: 5,000 failures spread over a 100 MB log would keep all of it.
 */
export function detach(text: string): string {
  // V8 copies slices shorter than 13 characters anyway; the concatenation is flattened into a new string.
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/**
 * `line` without its CSI sequences (`ESC [ params intermediates final`, what ANSI matches first), when those
 * are its only control characters; null otherwise (an OSC, a lone ESC, a carriage return or binary noise: the
 * general path). One pass by position instead of three regex scans.
 */
function withoutColour(line: string): string | null {
  let esc = line.indexOf('\x1b');
  if (esc < 0) return null;
  let out = '';
  let last = 0;
  while (esc >= 0) {
    if (line.charCodeAt(esc + 1) !== 0x5b /* [ */) return null;
    let i = esc + 2;
    let c = line.charCodeAt(i);
    while (c >= 0x30 && c <= 0x3f) c = line.charCodeAt(++i);
    while (c >= 0x20 && c <= 0x2f) c = line.charCodeAt(++i);
    if (!(c >= 0x40 && c <= 0x7e)) return null;
    out += line.slice(last, esc);
    last = i + 1;
    esc = line.indexOf('\x1b', last);
  }
  out += line.slice(last);
  return ANY_CONTROL.test(out) ? null : out;
}

/** Removes the indentation common to all non-blank lines, and blank lines at both ends. */
export function dedent(lines: string[]): string[] {
  let min = Infinity;
  for (const line of lines) {
    if (!line.trim()) continue;
    const indent = line.length - line.trimStart().length;
    if (indent < min) min = indent;
  }
  const out = lines.map((l) => (l.trim() ? l.slice(min === Infinity ? 0 : min) : '').trimEnd());
  while (out.length && !out[0]) out.shift();
  while (out.length && !out[out.length - 1]) out.pop();
  return out;
}

/** Keeps at most `max` lines of a block: the head and the tail, with a marker in between. */
export function capLines(lines: string[], max: number): string[] {
  if (lines.length <= max) return lines;
  const head = Math.ceil(max / 2);
  const tail = max - head;
  return [
    ...lines.slice(0, head),
    `… ${lines.length - max} lines cut …`,
    ...lines.slice(lines.length - tail),
  ];
}

/** Appends a line to a block that is held while parsing, keeping it bounded (head and tail of `max` lines each side). */
export function pushCapped(lines: string[], line: string, max = 400): string[] {
  lines.push(line);
  return lines.length > max * 2 ? capLines(lines, max) : lines;
}
