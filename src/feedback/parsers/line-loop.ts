/**
 * Character tests for the JS parsers' bulk paths (`bulk.ts`), which read every line of a chunk themselves, not
 * only the lines a state ignores: each looks at a line's first characters in the chunk and slices only the lines it
 * keeps or must parse. Each parser writes its own loop: one shared walk with a callback per line measured ~2x slower.
 */

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
