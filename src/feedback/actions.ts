/**
 * GitHub Actions' log framing, as a job log downloads (`2026-11-30T10:00:00.1234567Z ##[group]Run mvn test`) or
 * as `gh run view --log` prints it (`job<TAB>step<TAB>timestamp text`): timestamps and workflow commands are
 * removed, each step becomes its own section, and a step's `##[error]Process completed with exit code N.` marks
 * it as the failing one. Text that is not such a log passes through unchanged.
 */

/** A line's text (a plain string, the common case: no object per line), or what the framing line meant. */
export type Framed = string | { type: 'step'; name: string } | { type: 'failed' } | { type: 'drop' };

const FAILED: Framed = { type: 'failed' };
const DROP: Framed = { type: 'drop' };

const STAMP = /^(?:([^\t]+)\t([^\t]*)\t)?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/;
const COMMAND = /^##\[(group|endgroup|error|warning|notice|debug|command|section)\](.*)$/;
const EXIT = /^Process completed with exit code [1-9]\d*\.?$/;

export class ActionsFramer {
  private inHeader = false;
  private job = '';
  private step = '';
  /** True once a line carried an Actions timestamp: only then are `##[…]` lines workflow commands. */
  framed = false;

  /** `tabs`: false when the caller knows the line holds no tab (saves a scan per line). */
  frame(raw: string, tabs = true): Framed {
    let text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    let boundary: string | null = null;
    const tab = tabs && text.includes('\t');
    if (text.length >= 20 && tab) {
      const m = STAMP.exec(text);
      if (m) {
        this.framed = true;
        text = text.slice(m[0].length);
        if (m[1] !== undefined && (m[1] !== this.job || m[2] !== this.step)) {
          // `gh run view --log`: every line names its job (matrix entries differ) and step.
          this.job = m[1];
          this.step = m[2]!;
          this.inHeader = false;
          boundary = `${m[1]} / ${m[2]}`;
        }
      }
    } else if (text.length >= 20 && text.charCodeAt(4) === 0x2d /* - */) {
      const stamp = plainStampLength(text);
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

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
// The positions of `YYYY-MM-DDTHH:MM:SS` that hold a separator, and the separator.
const SEPARATORS: Record<number, number> = { 4: 0x2d, 7: 0x2d, 10: 0x54, 13: 0x3a, 16: 0x3a };

/**
 * The length of STAMP without the `gh run view --log` columns (a line without a tab) at the line's start, or 0:
 * by position instead of a regex, as every line of a downloaded log starts with one.
 */
function plainStampLength(text: string): number {
  for (let i = 0; i < 19; i++) {
    const sep = SEPARATORS[i];
    const c = text.charCodeAt(i);
    if (sep === undefined ? !isDigit(c) : c !== sep) return 0;
  }
  let end = 19;
  if (text.charCodeAt(end) === 0x2e /* . */ && isDigit(text.charCodeAt(end + 1))) {
    end += 2;
    while (isDigit(text.charCodeAt(end))) end++;
  }
  if (text.charCodeAt(end) !== 0x5a /* Z */) return 0;
  end++;
  return text.charCodeAt(end) === 0x20 ? end + 1 : end;
}
