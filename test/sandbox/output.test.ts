import { CappedOutput } from '../../src/sandbox/index.js';

describe('CappedOutput', () => {
  it('keeps everything under the cap', () => {
    const out = new CappedOutput(100);
    out.write(Buffer.from('hello '));
    out.write(Buffer.from('world'));
    expect(out.text()).toBe('hello world');
    expect(out.cutBytes).toBe(0);
  });

  it('keeps the head and the tail of a flood and counts the cut', () => {
    const out = new CappedOutput(10);
    out.write(Buffer.from('ABCDE'));
    for (let i = 0; i < 1000; i++) out.write(Buffer.from('x'.repeat(97)));
    out.write(Buffer.from('12'));
    out.write(Buffer.from('345'));
    const { head, tail, cut } = out.bytes();
    expect(head.toString()).toBe('ABCDE');
    expect(tail.toString()).toBe('xx12345'.slice(-5));
    expect(cut).toBe(5 + 97 * 1000 + 5 - 10);
    expect(out.text()).toBe(`ABCDE\n[… mimo: ${cut} bytes cut …]\n12345`);
  });

  it('keeps the tail right when one chunk is larger than the cap', () => {
    const out = new CappedOutput(6);
    out.write(Buffer.from('0123456789abcdef'));
    expect(out.bytes().head.toString()).toBe('012');
    expect(out.bytes().tail.toString()).toBe('def');
    expect(out.cutBytes).toBe(10);
  });

  it('takes a trailer off the end and stops counting it', () => {
    const out = new CappedOutput(8);
    out.write(Buffer.from('0123456789'));
    out.write(Buffer.from('\x1eT=7\n'));
    const match = out.takeTrailer(/\x1eT=(\d)\n$/); // eslint-disable-line no-control-regex
    expect(match?.[1]).toBe('7');
    expect(out.totalBytes).toBe(10);
    expect(out.text()).toBe('0123\n[… mimo: 2 bytes cut …]\n6789');
  });

  it('leaves the output alone when the trailer is absent', () => {
    const out = new CappedOutput(100);
    out.write(Buffer.from('no trailer\n'));
    expect(out.takeTrailer(/\x1eT=(\d)\n$/)).toBeNull(); // eslint-disable-line no-control-regex
    expect(out.text()).toBe('no trailer\n');
  });
});
