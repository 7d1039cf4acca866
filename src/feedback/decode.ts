/**
 * Decoding of a byte stream into text, chunk by chunk, with one pass over the bytes that also tells whether a
 * chunk is plain (ASCII without control characters other than tab and newline), so that the stream need not scan
 * the text for them again. TextDecoder in stream mode costs about four times Buffer's own UTF-8 slice; the output is
 * the same (WHATWG replacement of invalid sequences, a leading byte-order mark dropped), which the tests check
 * against TextDecoder on split and broken input.
 */
import { Buffer } from 'node:buffer';

/** How the bytes of a decoded chunk look: plain ASCII, ASCII with controls, or holding non-ASCII bytes. */
export type ChunkKind = 'plain' | 'controls' | 'unicode';

export interface Decoded {
  text: string;
  kind: ChunkKind;
}

export class ChunkDecoder {
  /** The first bytes of a multi-byte sequence cut at the end of the last chunk. */
  private carry: Buffer | null = null;
  private started = false;

  decode(chunk: Uint8Array): Decoded {
    let bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) {
      bytes = Buffer.concat([this.carry, bytes]);
      this.carry = null;
    }
    const kind = classify(bytes);
    let end = bytes.length;
    if (kind === 'unicode') {
      end = completeLength(bytes);
      if (end < bytes.length) this.carry = Buffer.from(bytes.subarray(end));
    }
    const text = bytes.toString(kind === 'unicode' ? 'utf8' : 'latin1', 0, end);
    return { text: this.dropBom(text), kind };
  }

  /** The text of a sequence left incomplete at the end of the stream (replacement characters), or ''. */
  end(): string {
    const rest = this.carry;
    this.carry = null;
    return rest ? this.dropBom(rest.toString('utf8')) : '';
  }

  private dropBom(text: string): string {
    if (this.started || text.length === 0) return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/**
 * Length of the prefix of `bytes` that ends on a sequence boundary: a lead byte at the end whose continuation bytes
 * are not all there yet is left for the next chunk (carrying more than needed is harmless: it only delays output).
 */
function completeLength(bytes: Buffer): number {
  let i = bytes.length - 1;
  let back = 0;
  while (i >= 0 && back < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  if (lead < 0xc0) return bytes.length;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return bytes.length - i < need ? i : bytes.length;
}

const plainByte = (c: number): boolean => (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a;

/**
 * One pass over the bytes, four at a time: a byte with its high bit set makes the chunk `unicode`; a byte below
 * 0x20 other than tab and newline, or DEL, makes it `controls`. The per-byte tests are exact (no carry crosses a
 * byte: every operand byte is at most 0x7f).
 */
export function classify(bytes: Uint8Array): ChunkKind {
  const len = bytes.length;
  let i = 0;
  let high = 0;
  let bad = 0;
  const head = Math.min(len, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) {
    const c = bytes[i]!;
    high |= c;
    if (!plainByte(c)) bad = 0x80;
  }
  const words = (len - i) >>> 2;
  if (words > 0) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const x = w[k]!;
      high |= x;
      const t = x & 0x7f7f7f7f;
      // High bit of each byte: t < 0x09, or 0x0b <= t < 0x20, or t == 0x7f.
      bad |=
        ~((t + 0x77777777) | 0) | (~((t + 0x60606060) | 0) & ((t + 0x75757575) | 0)) | ((t + 0x01010101) | 0);
    }
    i += words * 4;
  }
  for (; i < len; i++) {
    const c = bytes[i]!;
    high |= c;
    if (!plainByte(c)) bad = 0x80;
  }
  if (high & 0x80808080) return 'unicode';
  return bad & 0x80808080 ? 'controls' : 'plain';
}
