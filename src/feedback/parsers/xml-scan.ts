/**
 * Incremental scan of an XML report for the few elements a parser reads (`<testcase …>…</testcase>`,
 * `<UnitTestResult …/>`), by position: the text between them is never kept, only a pending element (its start
 * tag or its body not complete yet) is held until the line that completes it. Fed whole lines, one by one
 * (`pushLine`) or as a range of a chunk (`bulk`, where the stream allows it: `bulk.ts`).
 */
import { chainStopIn } from '../bulk.js';
import { MAX_LINE } from '../text.js';

/** A pending element larger than this is given up: the scan goes on from the second half of it. */
const MAX_BUFFER = 8 * 1024 * 1024;

/** `attrs` is the start tag's text after its name (without `/>` or `>`); `body` is '' for a self-closing tag. */
export type OnElement = (name: string, attrs: string, body: string) => void;

export class ElementScanner {
  /** Text held from a pending element's `<` on (pieces, each ending with a newline). */
  private held: string[] = [];
  private heldBytes = 0;
  /** 0: nothing pending; 1: a start tag not closed yet; 2: a body waiting for its close tag. */
  private state: 0 | 1 | 2 = 0;
  private close = '';

  /**
   * `start` finds a start tag of the elements read (global, group 1 the name: `/<(a|b)\b/g`); `bodied` tells an
   * element whose body is read up to its close tag from one whose start tag alone is read.
   */
  constructor(
    private readonly start: RegExp,
    private readonly names: readonly string[],
    private readonly bodied: (name: string) => boolean,
    private readonly on: OnElement,
  ) {}

  /** One line (without its newline). */
  pushLine(line: string): void {
    if (this.state === 0) {
      if (!this.mayStart(line)) return;
      this.run(`${line}\n`);
      return;
    }
    const piece = `${line}\n`;
    this.hold(piece);
    // Only a line that can complete the pending element triggers a rescan of it.
    if (this.state === 1 ? line.includes('>') : line.includes(this.close)) this.resume();
    else if (this.heldBytes > MAX_BUFFER) this.giveUp();
  }

  /** The lines of [from, to) of a chunk (whole lines), up to the first line the chain must see itself. */
  bulk(text: string, from: number, to: number): number {
    const stop = longLine(text, from, chainStopIn(text, from, to));
    if (stop === from) return from;
    const piece = text.slice(from, stop);
    if (this.state === 0) this.run(piece);
    else {
      this.hold(piece);
      if (this.state === 1 ? piece.includes('>') : piece.includes(this.close)) this.resume();
      else if (this.heldBytes > MAX_BUFFER) this.giveUp();
    }
    return stop;
  }

  /** End of input: a pending element stays unread (as a truncated report's last test). */
  finish(): void {
    this.held = [];
    this.heldBytes = 0;
    this.state = 0;
  }

  private mayStart(line: string): boolean {
    for (const name of this.names) if (line.includes(`<${name}`)) return true;
    return false;
  }

  private hold(piece: string): void {
    this.held.push(piece);
    this.heldBytes += piece.length;
  }

  private resume(): void {
    const text = this.held.length === 1 ? this.held[0]! : this.held.join('');
    this.held = [];
    this.heldBytes = 0;
    this.state = 0;
    this.run(text);
  }

  private giveUp(): void {
    const text = this.held.join('');
    this.held = [];
    this.heldBytes = 0;
    this.state = 0;
    this.run(text.slice(-MAX_BUFFER / 2));
  }

  /** Reads every complete element of `text` from `pos`; holds a pending one from its `<`. */
  private run(text: string, pos = 0): void {
    const start = this.start;
    for (;;) {
      start.lastIndex = pos;
      const m = start.exec(text);
      if (m === null) return;
      const name = m[1]!;
      const from = m.index + m[0].length;
      const gt = tagEnd(text, from);
      if (gt < 0) return this.pend(text, m.index, 1, '');
      const self = text.charCodeAt(gt - 1) === 0x2f; /* / */
      const attrs = text.slice(from, self ? gt - 1 : gt);
      if (self || !this.bodied(name)) {
        pos = gt + 1;
        this.on(name, attrs, '');
        continue;
      }
      const close = `</${name}>`;
      const end = text.indexOf(close, gt + 1);
      if (end < 0) return this.pend(text, m.index, 2, close);
      pos = end + close.length;
      this.on(name, attrs, text.slice(gt + 1, end));
    }
  }

  private pend(text: string, at: number, state: 1 | 2, close: string): void {
    this.state = state;
    this.close = close;
    this.hold(at === 0 ? text : text.slice(at));
  }
}

/** The `>` ending a start tag whose attributes begin at `from` (quoted values may hold `>`), or -1. */
function tagEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3e /* > */) return i;
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
      const q = text.indexOf(c === 0x22 ? '"' : "'", i + 1);
      if (q < 0) return -1;
      i = q;
    }
  }
  return -1;
}

/** Start of the first line in [from, to) (whole lines) longer than MAX_LINE, or `to`: a few probes per 16 KiB. */
export function longLine(text: string, from: number, to: number): number {
  let start = from;
  while (to - start > MAX_LINE) {
    const nl = text.lastIndexOf('\n', start + MAX_LINE);
    if (nl < start) return start;
    start = nl + 1;
  }
  return to;
}
