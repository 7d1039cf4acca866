/**
 * GitHub Actions' log framing, as a job log downloads (`2026-11-30T10:00:00.1234567Z ##[group]Run mvn test`) or
 * as `gh run view --log` prints it (`job<TAB>step<TAB>timestamp text`): timestamps and workflow commands are
 * removed, each step becomes its own section, and a step's `##[error]Process completed with exit code N.` marks
 * it as the failing one. Text that is not such a log passes through unchanged.
 */
import { isDigit, isStampDateAt } from './bulk.js';

/** A line's text (a plain string, the common case: no object per line), or what the framing line meant. */
export type Framed = string | { type: 'step'; name: string } | { type: 'failed' } | { type: 'drop' };

const FAILED: Framed = { type: 'failed' };
const DROP: Framed = { type: 'drop' };

const COMMAND = /^##\[(group|endgroup|error|warning|notice|debug|command|section)\](.*)$/;
const EXIT = /^Process completed with exit code [1-9]\d*\.?$/;

export class ActionsFramer {
  private inHeader = false;
  private job = '';
  private step = '';
  /** True once a line carried an Actions timestamp: only then are `##[…]` lines workflow commands. */
  framed = false;

  /** True inside a step's header group, whose lines are dropped. */
  get dropping(): boolean {
    return this.inHeader;
  }

  /**
   * `tabs`: false when the caller knows the line holds no tab (saves a scan per line); `stamped`: false when the
   * line's stamp was already cut (`withoutStamps`, on a log already framed).
   */
  frame(raw: string, tabs = true, stamped = true): Framed {
    let text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    let boundary: string | null = null;
    if (stamped && text.length >= 20) {
      // A downloaded log's line starts with its stamp; only a line without one may be `gh run view --log`'s.
      let stamp = text.charCodeAt(4) === 0x2d /* - */ ? stampLength(text, 0) : 0;
      if (stamp === 0 && tabs) {
        const tab1 = text.indexOf('\t');
        const tab2 = tab1 > 0 ? text.indexOf('\t', tab1 + 1) : -1;
        const columns = tab2 > 0 ? stampLength(text, tab2 + 1) : 0;
        if (columns > 0) {
          stamp = tab2 + 1 + columns;
          const job = text.slice(0, tab1);
          const step = text.slice(tab1 + 1, tab2);
          if (job !== this.job || step !== this.step) {
            // `gh run view --log`: every line names its job (matrix entries differ) and step.
            this.job = job;
            this.step = step;
            this.inHeader = false;
            boundary = `${job} / ${step}`;
          }
        }
      }
      if (stamp > 0) {
        this.framed = true;
        text = text.slice(stamp);
      }
    }
    if (boundary !== null && !text.startsWith('##[group]Run ')) return this.stepThen(boundary, text);
    if (!this.framed || text.charCodeAt(0) !== 0x23 /* # */) {
      return this.inHeader ? DROP : text;
    }
    const cmd = COMMAND.exec(text);
    if (!cmd) return this.inHeader ? DROP : text;
    const [, name, rest] = cmd;
    switch (name) {
      case 'group':
        if (rest!.startsWith('Run ')) {
          // The step's header group echoes its script and environment: not output.
          this.inHeader = true;
          return { type: 'step', name: rest!.slice(4) };
        }
        return DROP;
      case 'endgroup':
        this.inHeader = false;
        return DROP;
      case 'error':
        return EXIT.test(rest!) ? FAILED : rest!;
      case 'warning':
      case 'notice':
        return rest!;
      default:
        return DROP;
    }
  }

  private pendingAfterStep: string | null = null;

  /** A `gh run view --log` boundary: the step starts, then its first line is framed as usual. */
  private stepThen(name: string, text: string): Framed {
    this.pendingAfterStep = text;
    return { type: 'step', name };
  }

  /** The line that arrived with a step boundary, to be framed after it (null when none). */
  takePending(): string | null {
    const p = this.pendingAfterStep;
    this.pendingAfterStep = null;
    return p;
  }
}

/** A downloaded line's stamp, as `stampLength` reads it at a line start (`\d` is [0-9] without the u flag). */
const STAMPS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/gm;

/**
 * The whole lines of `text` before `end` with their stamps cut in one pass, as the framer cuts them line by line,
 * and the rest of `text` as it is; null where a line needs the framer's own reading: a byte-order mark, or a
 * carriage return or U+2028/U+2029, where `^` would see a line start that the stream does not (`controls`: the
 * text may hold them). The caller rules out `gh run view` columns (bulk.ts `columnStampAt`).
 */
export function withoutStamps(text: string, end: number, controls: boolean): string | null {
  if (text.includes('\ufeff')) return null;
  if (controls && (text.includes('\r') || text.includes('\u2028') || text.includes('\u2029'))) return null;
  const lines = end === text.length ? text : text.slice(0, end);
  const cut = lines.replace(STAMPS, '');
  return end === text.length ? cut : cut + text.slice(end);
}

/** Start of the first line at or after the line start `from` that is a workflow command (`##[…`), or Infinity. */
export function commandLineAt(text: string, from: number): number {
  if (text.startsWith('##[', from)) return from;
  const at = text.indexOf('\n##[', from);
  return at < 0 ? Infinity : at + 1;
}

const twoDigitsAt = (text: string, at: number) =>
  isDigit(text.charCodeAt(at)) && isDigit(text.charCodeAt(at + 1));

/**
 * The length of an Actions stamp (`2026-11-30T10:00:00.1234567Z `, the fraction optional, the space too) at
 * `at`, or 0: read by position, as every line of a downloaded log starts with one.
 */
function stampLength(text: string, at: number): number {
  if (!isStampDateAt(text, at)) return 0;
  if (
    !twoDigitsAt(text, at + 11) ||
    text.charCodeAt(at + 13) !== 0x3a /* : */ ||
    !twoDigitsAt(text, at + 14) ||
    text.charCodeAt(at + 16) !== 0x3a ||
    !twoDigitsAt(text, at + 17)
  )
    return 0;
  let end = at + 19;
  if (text.charCodeAt(end) === 0x2e /* . */ && isDigit(text.charCodeAt(end + 1))) {
    end += 2;
    while (isDigit(text.charCodeAt(end))) end++;
  }
  if (text.charCodeAt(end) !== 0x5a /* Z */) return 0;
  return (text.charCodeAt(end + 1) === 0x20 ? end + 2 : end + 1) - at;
}
