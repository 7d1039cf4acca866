import { encodeField, encodePayload, encodeRequest, FrameScanner } from '../../src/sandbox/runner/frames.js';

function scan(marker: string, chunks: Buffer[]) {
  const data: Buffer[] = [];
  const frames: string[] = [];
  const scanner = new FrameScanner(
    Buffer.from(marker, 'latin1'),
    (d) => data.push(Buffer.from(d)),
    (f) => frames.push(f),
  );
  for (const chunk of chunks) scanner.push(chunk);
  return { data: Buffer.concat(data).toString('latin1'), frames };
}

describe('runner framing', () => {
  it('sends plain text raw and anything with control characters or backslashes escaped for printf %b', () => {
    expect(encodeField('python -m pytest -q "a b"')).toBe('=python -m pytest -q "a b"\n');
    expect(encodeField('a\nb\\c')).toBe('%a\\0012b\\\\c\n');
    expect(encodeField('é')).toBe('=é\n'); // UTF-8 text is safe in a shell line
    expect(() => encodeField('a\0b')).toThrow(/NUL/);
  });

  it('ends a payload with a line of its own that no data line can be', () => {
    const text = encodePayload(Buffer.from('.\n:\n'));
    expect(text).toBe(':.\\0012:\\0012\n.\n');
    expect(encodeRequest('w', 'id1', ['f.txt'], Buffer.from('x'))).toBe('w id1 1\n=f.txt\n:x\n.\n');
  });

  it('splits data from frames, also when the marker is cut across chunks', () => {
    const marker = '\x1eMnonce ';
    const stream = Buffer.from(`out\x1e put${marker}id ok 0 1\nrest`, 'latin1');
    for (let cut = 1; cut < stream.length; cut++) {
      const { data, frames } = scan(marker, [stream.subarray(0, cut), stream.subarray(cut)]);
      expect(frames).toEqual(['id ok 0 1']);
      expect(data).toBe('out\x1e putrest');
    }
  });

  it('takes a forged frame with another nonce as data', () => {
    const { data, frames } = scan('\x1eMsecret ', [Buffer.from('\x1eMguess id ok 0 0\n', 'latin1')]);
    expect(frames).toEqual([]);
    expect(data).toBe('\x1eMguess id ok 0 0\n');
  });
});
