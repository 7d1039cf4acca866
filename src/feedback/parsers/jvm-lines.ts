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

/**
 * Length of the `[INFO] ` (or `[ERROR]`, …) prefix of Maven's line starting at `at` (a line or a chunk), its one
 * space included; 0 without one. The literals hold no newline, so in a chunk they never match past the line.
 */
export function levelLength(raw: string, at = 0): number {
  if (raw.charCodeAt(at) !== 0x5b /* [ */) return 0;
  const name = levelName(raw, at);
  if (name === 0) return 0;
  return raw.charCodeAt(at + name + 1) === 0x20 ? name + 2 : name + 1;
}

/** Offset from `at` of the `]` closing a level name (`[INFO]`, `[ERROR]`, `[WARNING]`, `[WARN]`, `[DEBUG]`), else 0. */
function levelName(raw: string, at: number): number {
  switch (raw.charCodeAt(at + 1)) {
    case 0x49 /* I */:
      return hasAt(raw, at + 2, 'NFO]') ? 5 : 0;
    case 0x45 /* E */:
      return hasAt(raw, at + 2, 'RROR]') ? 6 : 0;
    case 0x44 /* D */:
      return hasAt(raw, at + 2, 'EBUG]') ? 6 : 0;
    case 0x57 /* W */:
      return hasAt(raw, at + 2, 'ARN]') ? 5 : hasAt(raw, at + 2, 'ARNING]') ? 8 : 0;
    default:
      return 0;
  }
}

/** `text.startsWith(literal, at)` by character codes (ASCII literals; faster on the short prefixes here). */
export function hasAt(text: string, at: number, literal: string): boolean {
  if (text.length < at + literal.length) return false;
  for (let i = 0; i < literal.length; i++)
    if (text.charCodeAt(at + i) !== literal.charCodeAt(i)) return false;
  return true;
}
