/**
 * Bulk reading of a chunk: a parser whose current state ignores most lines (a full report that only counts,
 * a block whose details are not kept) skips them with one regex scan instead of taking them one by one.
 *
 * The stream offers a parser `bulk(text, from, to)` only on lines that the per-line chain would pass through
 * unchanged: no control character (tabs aside), U+2028/U+2029 or `gh run view` column stamp in the range (so `.`
 * and `^`/`$` of a multiline regex see the lines the stream splits); in a framed Actions log only once the chunk's
 * stamps are cut, and never over a workflow command or a step's header (parse.ts). A chunk with such lines is read
 * in bulk between them; `to` is always a line start, not always the chunk's last. Lines that the chain itself must
 * see (a JSON document's `{`/`[`, a byte-order mark, an Actions timestamp) are in every pattern, so they are never
 * skipped; maven's loop lets `[INFO]`-style level lines through, which can start no JSON document. A parser's
 * pattern must match every line its current state does not ignore; where the line's treatment depends on more than
 * its first characters the match must run to the line's end, so that a line longer than MAX_LINE (cut before a
 * parser sees it) is left to the per-line path.
 */
import { ANY_CONTROL, MAX_LINE } from './text.js';

/** Lines that the chain (JSON collector, Actions framer) must see whatever the parser's state. */
const CHAIN_STOPS = '[{[\\ufeff]|\\d{4}-\\d\\d-\\d\\dT';

/**
 * A global multiline pattern: group 1 matches a line the chain must see, `source` the lines a parser reads in
 * bulk (its own groups start at 2). `source` must not match across a line end (`[^\S\n]`, not `\s`).
 */
export function linePattern(source: string): RegExp {
  return new RegExp(`^(?:(${CHAIN_STOPS})|${source})`, 'gm');
}

/**
 * Reads the lines of [from, to) that `pattern` (from `linePattern`) matches with `take`, skipping the lines between
 * them; stops at a line the chain must see, at a line longer than MAX_LINE, or where `take` returns false. Returns
 * the start of the line it stopped at, or `to`.
 */
export function scan(
  pattern: RegExp,
  text: string,
  from: number,
  to: number,
  take: (m: RegExpExecArray) => boolean,
): number {
  pattern.lastIndex = from;
  for (;;) {
    const m = pattern.exec(text);
    if (m === null || m.index >= to) return to;
    if (m[1] !== undefined || m[0].length > MAX_LINE || !take(m)) return m.index;
    // An empty line matched empty: step over its newline, or the next search would find it again.
    if (m[0].length === 0) pattern.lastIndex++;
  }
}

const never = () => false;

export const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const digits = (text: string, at: number, n: number) => {
  for (let i = at; i < at + n; i++) if (!isDigit(text.charCodeAt(i))) return false;
  return true;
};

/** True when the date of an Actions timestamp (`2026-11-30T`, the `\d{4}-\d\d-\d\dT` of CHAIN_STOPS) starts at `at`. */
export function isStampDateAt(text: string, at: number): boolean {
  return (
    digits(text, at, 4) &&
    text.charCodeAt(at + 4) === 0x2d &&
    digits(text, at + 5, 2) &&
    text.charCodeAt(at + 7) === 0x2d &&
    digits(text, at + 8, 2) &&
    text.charCodeAt(at + 10) === 0x54 /* T */
  );
}

/** True when the line starting at `start` is one the chain must see itself (CHAIN_STOPS, without a regex per line). */
export function isChainStop(text: string, start: number): boolean {
  const c = text.charCodeAt(start);
  if (c === 0x7b /* { */ || c === 0x5b /* [ */ || c === 0xfeff) return true;
  return isDigit(c) && isStampDateAt(text, start);
}

/**
 * Start of the first line in [from, to) that the chain must see, or `to`: `nextStop` with no parser lines, as a
 * plain loop over line starts (several times faster than the multiline regex).
 */
export function chainStopIn(text: string, from: number, to: number): number {
  for (let s = from; s < to;) {
    if (isChainStop(text, s)) return s;
    const nl = text.indexOf('\n', s);
    if (nl < 0) return to;
    s = nl + 1;
  }
  return to;
}

/** Start of the first line in [from, to) that `stop` (from `linePattern`) matches, or `to`. */
export function nextStop(stop: RegExp, text: string, from: number, to: number): number {
  return scan(stop, text, from, to, never);
}

/** Characters that keep a line off the bulk path: controls but `\n` and tab (cleanLine's), U+FFFD and the line
 * separators that a regex's `.` and `^` treat as line ends. */
// eslint-disable-next-line no-control-regex
const BLOCKER_AT = /[\x00-\x08\x0b-\x1f\x7f\ufffd\u2028\u2029]/g;
/** The characters `cleanLine` acts on: a line without one is passed on as it is. */
const CONTROL_AT = new RegExp(ANY_CONTROL.source, 'g');

/** Position of the first character of `chars` (a global one-character class) at or after `from`, or Infinity. */
function firstOf(chars: RegExp, text: string, from: number): number {
  chars.lastIndex = from;
  return chars.test(text) ? chars.lastIndex - 1 : Infinity;
}

/** Position of the first bulk blocker (see BLOCKER_AT) at or after `from`, or Infinity. */
export const blockerAt = (text: string, from: number): number => firstOf(BLOCKER_AT, text, from);

/** Position of the first character `cleanLine` acts on at or after `from`, or Infinity. */
export const controlAt = (text: string, from: number): number => firstOf(CONTROL_AT, text, from);

/**
 * Position of the first tab at or after `from` that is followed by the date of a timestamp (`\t2026-11-30T`, a
 * `gh run view --log` line: `job<TAB>step<TAB>2026-…`), or Infinity; other tabs are harmless. By position from
 * each tab: Go and JVM output hold a tab on many lines, where a regex scan of the chunk cost ~3 % of a run.
 */
export function columnStampAt(text: string, from: number): number {
  for (let t = text.indexOf('\t', from); t >= 0; t = text.indexOf('\t', t + 1)) {
    if (isStampDateAt(text, t + 1)) return t;
  }
  return Infinity;
}

/** True when `text` holds a character that keeps it off the bulk path (a control but tab and newline, U+FFFD, U+2028/9). */
export function hasBlockers(text: string): boolean {
  return blockerAt(text, 0) !== Infinity;
}
