import { describe, expect, it } from '@jest/globals';
import { hasBlockers } from '../../src/feedback/bulk.js';
import { ChunkDecoder, classify, type ChunkKind } from '../../src/feedback/decode.js';
import { FeedbackStream, parseTestOutput } from '../../src/feedback/index.js';

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Bytes that are mostly text, with multi-byte characters, broken sequences, controls and byte-order marks. */
function messyBytes(next: () => number, length: number): Uint8Array {
  const pieces = [
    'ok ',
    '\n',
    '\t',
    'é',
    '✓',
    '😀',
    '\u2028',
    '\ufeff',
    '\x1b[31m',
    '\r',
    '\x00',
    '\x7f',
    'FAILED tests/test_a.py::test_x',
  ].map((p) => Buffer.from(p));
  const broken = [
    [0xe2, 0x80],
    [0xf0, 0x9f, 0x98],
    [0xc3],
    [0x80],
    [0xbf, 0xbf],
    [0xed, 0xa0, 0x80],
    [0xc0, 0xaf],
    [0xff],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe0, 0x80],
  ];
  const out: number[] = [];
  while (out.length < length) {
    const r = next();
    if (r < 0.15) out.push(...broken[Math.floor(next() * broken.length)]!);
    else out.push(...pieces[Math.floor(next() * pieces.length)]!);
  }
  return Uint8Array.from(out);
}

function splitDecode(bytes: Uint8Array, next: () => number): string {
  const decoder = new ChunkDecoder();
  let text = '';
  for (let i = 0; i < bytes.length;) {
    const size = 1 + Math.floor(next() * 9);
    text += decoder.decode(bytes.subarray(i, i + size)).text;
    i += size;
  }
  return text + decoder.end();
}

function naiveKind(bytes: Uint8Array): ChunkKind {
  let unicode = false;
  let controls = false;
  for (const c of bytes) {
    if (c >= 0x80) unicode = true;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c === 0x7f) controls = true;
  }
  if (unicode) return controls ? 'unicode-controls' : 'unicode';
  return controls ? 'controls' : 'plain';
}

describe('ChunkDecoder', () => {
  it('decodes any split of broken and valid UTF-8 exactly as TextDecoder in stream mode does', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const bytes = messyBytes(next, 40 + Math.floor(next() * 200));
      const expected = new TextDecoder('utf-8').decode(bytes);
      expect({ seed, text: splitDecode(bytes, next) }).toEqual({ seed, text: expected });
    }
  });

  it('tells whether each decoded chunk holds a bulk blocker exactly as a scan of its text does', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const bytes = messyBytes(next, 40 + Math.floor(next() * 200));
      const decoder = new ChunkDecoder();
      for (let i = 0; i < bytes.length;) {
        const size = 1 + Math.floor(next() * 9);
        const decoded = decoder.decode(bytes.subarray(i, i + size));
        expect({ seed, i, blockers: decoded.blockers }).toEqual({
          seed,
          i,
          blockers: hasBlockers(decoded.text),
        });
        i += size;
      }
    }
    // A plain chunk after a cut sequence: the decoder's replacement character at its start is a blocker.
    const decoder = new ChunkDecoder();
    decoder.decode(Uint8Array.from([0x61, 0xe2, 0x80]));
    expect(decoder.decode(Buffer.from('bc\n'))).toMatchObject({ text: '\ufffdbc\n', blockers: true });
    expect(decoder.decode(Buffer.from('\u2028\n'))).toMatchObject({ kind: 'unicode', blockers: true });
  });

  it('drops one byte-order mark at the start of the stream, even when it arrives split, and keeps later ones', () => {
    const decoder = new ChunkDecoder();
    const parts = [[0xef], [0xbb], [0xbf, 0x61], [0xef, 0xbb, 0xbf, 0x62]].map(
      (p) => decoder.decode(Uint8Array.from(p)).text,
    );
    expect(parts.join('') + decoder.end()).toBe('a\ufeffb');
  });

  it('gives a sequence cut by the end of the stream one replacement character', () => {
    const decoder = new ChunkDecoder();
    expect(decoder.decode(Uint8Array.from([0x61, 0xf0, 0x9f])).text).toBe('a');
    expect(decoder.end()).toBe('\ufffd');
  });

  it('classifies bytes as TextDecoder-free plain ASCII only when no control but tab and newline is there', () => {
    const pool = Buffer.alloc(4096 + 8);
    for (let seed = 1; seed <= 400; seed++) {
      const next = random(seed);
      const offset = Math.floor(next() * 8);
      const length = Math.floor(next() * 300);
      const view = pool.subarray(offset, offset + length);
      for (let i = 0; i < length; i++) view[i] = 0x20 + Math.floor(next() * 0x5f);
      for (let i = 0; i < length; i += 1 + Math.floor(next() * 40)) view[i] = next() < 0.5 ? 0x0a : 0x09;
      // Up to two odd bytes: a control, a byte beyond ASCII, or one of each.
      for (let k = 0; k < 2; k++) {
        if (length === 0 || next() >= 0.6) continue;
        const bytes = [0x00, 0x08, 0x0b, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0xc3, 0xff];
        view[Math.floor(next() * length)] = bytes[Math.floor(next() * bytes.length)]!;
      }
      expect({ seed, kind: classify(view) }).toEqual({ seed, kind: naiveKind(view) });
    }
  });
});

describe('FeedbackStream on bytes', () => {
  it('reads a log split inside multi-byte characters and ANSI colours as the whole text reads', () => {
    const log = [
      '============================= test session starts ==============================',
      'collected 2 items',
      '',
      'tests/test_ünïcode.py \x1b[31mF\x1b[0m.                                        [100%]',
      '',
      '=================================== FAILURES ===================================',
      '_________________________________ test_naïve __________________________________',
      '',
      '    def test_naïve():',
      '>       assert "café" == "cafe"',
      "E       AssertionError: assert 'café' == 'cafe'",
      '',
      'tests/test_ünïcode.py:3: AssertionError',
      '=========================== short test summary info ============================',
      "FAILED tests/test_ünïcode.py::test_naïve - AssertionError: assert 'café' == 'cafe'",
      '========================= 1 failed, 1 passed in 0.02s ==========================',
      '',
    ].join('\n');
    const bytes = Buffer.from(log);
    const whole = parseTestOutput(log);
    expect(whole.failures[0]).toMatchObject({ file: 'tests/test_ünïcode.py', line: 3 });
    for (const size of [1, 2, 3, 5, 64]) {
      const stream = new FeedbackStream();
      for (let i = 0; i < bytes.length; i += size) stream.write(bytes.subarray(i, i + size));
      expect(stream.end()).toEqual(whole);
    }
  });
});
