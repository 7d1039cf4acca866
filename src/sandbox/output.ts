/**
 * Keeps the head and the tail of a byte stream and counts what was dropped between them, so a command that
 * floods its output costs a fixed amount of memory and the model still sees how it started and how it ended.
 */
export class CappedOutput {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  /** The tail ring keeps this many bytes more than it shows, so that a trailer can always be taken off. */
  private readonly tailKeep: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  /** Ring of the last bytes: chunks, dropped from the front as new ones arrive. */
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(maxBytes: number) {
    this.headLimit = Math.ceil(maxBytes / 2);
    this.tailLimit = Math.floor(maxBytes / 2);
    this.tailKeep = this.tailLimit + 128;
  }

  write(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headLimit) {
      const take = Math.min(this.headLimit - this.headBytes, rest.length);
      this.head.push(rest.subarray(0, take));
      this.headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length === 0) return;
    if (rest.length >= this.tailKeep) {
      this.tail = [Buffer.from(rest.subarray(rest.length - this.tailKeep))];
      this.tailBytes = this.tailKeep;
      return;
    }
    this.tail.push(Buffer.from(rest));
    this.tailBytes += rest.length;
    while (this.tailBytes - this.tail[0]!.length >= this.tailKeep)
      this.tailBytes -= this.tail.shift()!.length;
  }

  /**
   * Removes a trailer matching `pattern` (anchored at the end, at most 128 ASCII bytes) from the end of the
   * stream and returns its match; the trailer then counts as never received.
   */
  takeTrailer(pattern: RegExp): RegExpExecArray | null {
    const last = this.tailBytes > 0 ? this.tail : this.head;
    const joined = Buffer.concat(last);
    const window = joined.subarray(Math.max(0, joined.length - 128)).toString('latin1');
    const match = pattern.exec(window);
    if (!match || match.index + match[0].length !== window.length) return null;
    const kept = joined.subarray(0, joined.length - match[0].length);
    if (last === this.tail) {
      this.tail = [kept];
      this.tailBytes = kept.length;
    } else {
      this.head.length = 0;
      this.head.push(kept);
      this.headBytes = kept.length;
    }
    this.total -= match[0].length;
    return match;
  }

  /** Bytes received in all. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes dropped from the middle. */
  get cutBytes(): number {
    return this.total - this.headBytes - Math.min(this.tailBytes, this.tailLimit);
  }

  /** The kept bytes, and how many were cut between them. */
  bytes(): { head: Buffer; tail: Buffer; cut: number } {
    let tail = Buffer.concat(this.tail);
    if (tail.length > this.tailLimit) tail = tail.subarray(tail.length - this.tailLimit);
    return { head: Buffer.concat(this.head), tail, cut: this.cutBytes };
  }

  /** The kept text, with a marker where the middle was cut. */
  text(): string {
    const { head, tail, cut } = this.bytes();
    if (cut === 0) return Buffer.concat([head, tail]).toString('utf8');
    return `${head.toString('utf8')}\n[… mimo: ${cut} bytes cut …]\n${tail.toString('utf8')}`;
  }
}
