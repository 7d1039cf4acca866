/**
 * Decoding of a byte stream into text, chunk by chunk, with one pass over the bytes that also tells whether a
 * chunk is plain (ASCII without control characters other than tab and newline), so that the stream need not scan
 * the text for them again. An ASCII chunk is read as latin1 (about five times faster than TextDecoder, and the same
 * string); a chunk holding other bytes goes to TextDecoder in stream mode (faster there than Buffer's UTF-8 slice),
 * and so does the chunk after one that may have left a sequence pending in it. The output is TextDecoder's (a
 * leading byte-order mark dropped), which the tests check on split and broken input.
 */
import { Buffer } from 'node:buffer';

/** How the bytes of a decoded chunk look: ASCII or holding non-ASCII bytes, with control bytes or without. */
export type ChunkKind = 'plain' | 'controls' | 'unicode' | 'unicode-controls';

export interface Decoded {
  text: string;
  kind: ChunkKind;
  /** Whether the text holds a character that keeps it off the bulk path (`bulk.ts` hasBlockers), told without a
   * regex scan of the text: a control byte is one; beyond ASCII only U+FFFD, U+2028 and U+2029 can be. */
  blockers: boolean;
}

export class ChunkDecoder {
  /** For chunks holding non-ASCII bytes: it is faster than Buffer's UTF-8 slice there, and keeps cut sequences. */
  private readonly utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  /** True when the last chunk given to `utf8` may have left the first bytes of a sequence pending in it. */
  private pending = false;
  private started = false;

  decode(chunk: Uint8Array): Decoded {
    const kind = classify(chunk);
    const unicode = kind === 'unicode' || kind === 'unicode-controls';
    let blockers = kind === 'controls' || kind === 'unicode-controls';
    let text: string;
    if (unicode || this.pending) {
      text = this.utf8.decode(chunk, { stream: true });
      this.pending = unicode && completeLength(chunk) < chunk.length;
      // Three indexOf calls are ~6x faster than the blockers regex on such a chunk.
      blockers ||= text.includes('\ufffd') || text.includes('\u2028') || text.includes('\u2029');
    } else {
      text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    }
    return { text: this.dropBom(text), kind, blockers };
  }

  /** The text of a sequence left incomplete at the end of the stream (a replacement character), or ''. */
  end(): string {
    const rest = this.pending ? this.utf8.decode() : '';
    this.pending = false;
    return this.dropBom(rest);
  }

  private dropBom(text: string): string {
    if (this.started || text.length === 0) return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }
}

/**
 * Length of the prefix of `bytes` that ends on a sequence boundary: a lead byte at the end whose continuation bytes
 * are not all there yet may be pending in a stream decoder (a longer guess is harmless: it only sends one more
 * chunk through the decoder).
 */
function completeLength(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  let back = 0;
  while (i >= 0 && back < 3 && (bytes[i]! & 0xc0) === 0x80) {
    i--;
    back++;
  }
  if (i < 0) return back > 0 ? 0 : bytes.length;
  const lead = bytes[i]!;
  if (lead < 0xc0) return bytes.length;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
  return bytes.length - i < need ? i : bytes.length;
}

const plainByte = (c: number): boolean => (c >= 0x20 && c < 0x7f) || c === 0x09 || c === 0x0a;

/**
 * One pass over the bytes, four at a time: a byte with its high bit set makes the chunk `unicode`; a byte below
 * 0x20 other than tab and newline, or DEL, makes it `controls` (`unicode-controls` with both). The per-byte tests
 * are exact (no carry crosses a byte: every operand byte is at most 0x7f).
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
    if (c < 0x80 && !plainByte(c)) bad = 0x80;
  }
  const words = (len - i) >>> 2;
  if (words > 0) {
    const w = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      // Both told (a coloured log with non-ASCII marks): nothing more to learn from the rest.
      if ((k & 0xff) === 0xff && high & 0x80808080 && bad & 0x80808080) return 'unicode-controls';
      const x = w[k]!;
      high |= x;
      const t = x & 0x7f7f7f7f;
      // High bit of each byte: t < 0x09, or 0x0b <= t < 0x20, or t == 0x7f; only for the ASCII bytes of x.
      bad |=
        (~((t + 0x77777777) | 0) |
          (~((t + 0x60606060) | 0) & ((t + 0x75757575) | 0)) |
          ((t + 0x01010101) | 0)) &
        ~x;
    }
    i += words * 4;
  }
  for (; i < len; i++) {
    const c = bytes[i]!;
    high |= c;
    if (c < 0x80 && !plainByte(c)) bad = 0x80;
  }
  const controls = (bad & 0x80808080) !== 0;
  if (high & 0x80808080) return controls ? 'unicode-controls' : 'unicode';
  return controls ? 'controls' : 'plain';
}
