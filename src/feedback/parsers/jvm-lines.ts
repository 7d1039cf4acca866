/**
 * Helpers of the JVM and .NET parsers' bulk paths (`bulk.ts`): they look at a line inside the chunk by position,
 * so a line their state ignores is never sliced.
 */
import { indentEnd, otherSpace } from './line-loop.js';

/**
 * Whether a line of a chunk holds a literal, for lines taken in order: the next occurrence is searched once and
 * kept until the walk passes it, so a chunk is scanned once per literal however many lines it has.
 */
export class Needle {
  private at = -1;

  constructor(private readonly literal: string) {}

  /** Forgets the occurrence found: the next line is of another chunk. */
  reset(): void {
    this.at = -1;
  }

  /** True when [start, end) (one line; starts increasing from one `reset` to the next) holds the literal. */
  in(text: string, start: number, end: number): boolean {
    if (this.at < start) {
      this.at = text.indexOf(this.literal, start);
      if (this.at < 0) this.at = Infinity;
    }
    return this.at + this.literal.length <= end;
  }
}

/** `/^\s+\S/` on a line of a chunk: true, false, or null when a space beyond ASCII leaves it to the regex. */
export function indentedText(text: string, start: number, end: number): boolean | null {
  const i = indentEnd(text, start, end);
  if (i < end && otherSpace(text, i)) return null;
  return i > start && i < end;
}

/** `!line.trim()` on a line of a chunk: true, false, or null when a space beyond ASCII leaves it to `trim`. */
export function blankLine(text: string, start: number, end: number): boolean | null {
  const i = indentEnd(text, start, end);
  if (i === end) return true;
  return otherSpace(text, i) ? null : false;
}
