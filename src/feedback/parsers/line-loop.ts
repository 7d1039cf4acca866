/**
 * Character tests for the JS parsers' bulk paths (`bulk.ts`), which read every line of a chunk themselves, not
 * only the lines a state ignores: each looks at a line's first characters in the chunk and slices only the lines it
 * keeps or must parse. The JS parsers write their own loops (one shared walk with a callback per line measured ~2x
 * slower there); `eachLine` is that shared walk, for the parsers whose per-line work dwarfs the callback.
 */
import { isChainStop } from '../bulk.js';
import { MAX_LINE } from '../text.js';

/**
 * Offers the whole lines of [from, to) to `take(start, end)` (`end` is the line's `\n`), as the per-line chain
 * would pass them; stops at a line the chain must see, at a line longer than MAX_LINE (cut before a parser sees
 * it) or where `take` returns false. Returns the start of the line it stopped at, or `to`.
 */
export function eachLine(
  text: string,
  from: number,
  to: number,
  take: (start: number, end: number) => boolean,
): number {
  let start = from;
  while (start < to) {
    const end = text.indexOf('\n', start);
    if (end < 0 || end >= to || end - start > MAX_LINE || isChainStop(text, start) || !take(start, end))
      return start;
    start = end + 1;
  }
  return start;
}

/** Index of the first character of [start, end) that is neither a space nor a tab (`end` when there is none). */
export function indentEnd(text: string, start: number, end: number): number {
  let i = start;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) break;
  }
  return i;
}

/** True when the character at `i` is whitespace beyond ASCII (`\s` of a regex): the exact per-line path reads it. */
export function otherSpace(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 0x80 && /\s/.test(text[i]!);
}
