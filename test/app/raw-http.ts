// A raw HTTP/1.1 client over node:net: it sends exactly the headers and bytes a test says, when it says (a forger
// need not behave like a well-mannered client), and it is not intercepted by nock (which patches node:http in
// jest workers that ran a recorded-HTTP test before).
import { connect, type Socket } from 'node:net';

export interface RawRequest {
  socket: Socket;
  /** The status line's code, once the server answers (0 if it closes without answering). */
  status: Promise<number>;
}

export function rawPost(
  url: string,
  headers: Record<string, string>,
  firstBytes: Buffer | string = '',
): RawRequest {
  const { hostname, port, pathname } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  const lines = Object.entries({ host: `${hostname}:${port}`, ...headers }).map(([k, v]) => `${k}: ${v}\r\n`);
  socket.write(`POST ${pathname} HTTP/1.1\r\n${lines.join('')}\r\n`);
  if (firstBytes.length > 0) socket.write(firstBytes);
  const status = new Promise<number>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (match) resolve(Number(match[1]));
    });
    socket.on('close', () => resolve(0));
  });
  return { socket, status };
}

/** Streams `declared` bytes of junk (1 MB writes, honouring backpressure) until the server answers or closes. */
export async function streamJunk(
  url: string,
  headers: Record<string, string>,
  declared: number,
): Promise<number> {
  const req = rawPost(url, { ...headers, 'content-length': String(declared) });
  const chunk = Buffer.alloc(1024 * 1024, 'A');
  let sent = 0;
  let answered = false;
  void req.status.then(() => (answered = true));
  while (sent < declared && !answered && !req.socket.destroyed) {
    const n = Math.min(chunk.length, declared - sent);
    sent += n;
    if (!req.socket.write(chunk.subarray(0, n)))
      await new Promise((resolve) => {
        req.socket.once('drain', resolve);
        req.socket.once('close', resolve);
      });
  }
  const status = await req.status;
  req.socket.destroy();
  return status;
}
