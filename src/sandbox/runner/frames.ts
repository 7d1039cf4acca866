/** The framing of the runner protocol (see script.ts): encoding requests, finding reply frames in a stream. */

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const SAFE_FIELD = /^[^\x00-\x1f\x7f\\]*$/;

/** One field line of a request: raw when it has no control characters or backslashes, else printf-%b escaped. */
export function encodeField(text: string): string {
  if (text.includes('\0')) throw new Error('a command, path or variable cannot contain a NUL byte');
  if (SAFE_FIELD.test(text)) return `=${text}\n`;
  return `%${escapeBytes(Buffer.from(text, 'utf8'))}\n`;
}

/** Bytes as printf-%b escapes: printable ASCII as is (backslash doubled), everything else as `\0ooo`. */
function escapeBytes(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\0${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/** Payload lines (`:` + escaped bytes, at most ~4 KiB each) and the closing `.` line. */
export function encodePayload(bytes: Buffer): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 1024) lines.push(`:${escapeBytes(bytes.subarray(i, i + 1024))}\n`);
  lines.push('.\n');
  return lines.join('');
}

/** A whole request: header, fields, optional payload. */
export function encodeRequest(op: string, id: string, fields: string[], payload?: Buffer): string {
  return `${op} ${id} ${fields.length}\n${fields.map(encodeField).join('')}${payload ? encodePayload(payload) : ''}`;
}

/**
 * Splits one channel of the runner's output into data and frames: bytes before `marker` are data, the line after
 * it is a frame. A marker cut across chunks is held back until it is whole, so data never carries part of one.
 */
export class FrameScanner {
  private pending: Buffer = Buffer.alloc(0);
  private frame: string | null = null;

  constructor(
    private readonly marker: Buffer,
    private readonly onData: (data: Buffer) => void,
    private readonly onFrame: (line: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.frame !== null) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) {
          this.frame += buf.toString('latin1').slice(0, 256);
          return;
        }
        const line = this.frame + buf.subarray(0, nl).toString('latin1');
        this.frame = null;
        buf = buf.subarray(nl + 1);
        this.onFrame(line);
        continue;
      }
      const at = buf.indexOf(this.marker);
      if (at >= 0) {
        if (at > 0) this.onData(buf.subarray(0, at));
        buf = buf.subarray(at + this.marker.length);
        this.frame = '';
        continue;
      }
      const keep = this.partialMarkerStart(buf);
      if (keep > 0) this.onData(buf.subarray(0, keep));
      if (keep < buf.length) this.pending = Buffer.from(buf.subarray(keep));
      return;
    }
  }

  /** Where a suffix of `buf` that could begin the marker starts (buf.length when none). */
  private partialMarkerStart(buf: Buffer): number {
    const from = Math.max(0, buf.length - this.marker.length + 1);
    for (let i = from; i < buf.length; i++) {
      if (buf[i] === this.marker[0] && this.marker.subarray(0, buf.length - i).equals(buf.subarray(i)))
        return i;
    }
    return buf.length;
  }
}
