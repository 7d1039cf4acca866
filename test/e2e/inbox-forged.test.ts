// Hostile deliveries against the app as `npm start` runs it: forged and oversized bodies are refused without being
// buffered whole, and the log says one short line per delivery, never the payload.
import { request } from 'node:http';
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { startAppProcess, type AppProcess } from './app-process.js';

const TIMEOUT = 120_000;

/** Streams `declared` bytes of junk as fast as the server reads them; resolves with the status it answered. */
function streamJunk(url: string, declared: number, signature: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(declared),
        'x-github-event': 'issue_comment',
        'x-github-delivery': `forged-${Math.random()}`,
        'x-hub-signature-256': signature,
      },
    });
    const chunk = Buffer.alloc(1024 * 1024, 'A');
    let sent = 0;
    const pump = () => {
      while (sent < declared) {
        const n = Math.min(chunk.length, declared - sent);
        sent += n;
        if (!req.write(chunk.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', () => undefined);
    pump();
  });
}

describe('hostile deliveries', () => {
  let double: GitHubDouble;
  let app: AppProcess;
  beforeAll(async () => {
    double = await startGitHubDouble();
    app = await startAppProcess(double, { MIMO_EMBEDDED_WORKER: 'false', MIMO_RECOVERY_WINDOW_HOURS: '0' });
  }, TIMEOUT);
  afterAll(async () => {
    await app?.stop();
    await double?.close();
  });

  it(
    'refuses four concurrent 100 MB forged bodies from their Content-Length, and logs four short lines',
    async () => {
      const logBefore = app.output().length;
      const statuses = await Promise.all(
        Array.from({ length: 4 }, () => streamJunk(app.webhookUrl, 100 * 1024 * 1024, `sha256=${'0'.repeat(64)}`)),
      );
      expect(statuses).toEqual([413, 413, 413, 413]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const logged = app.output().slice(logBefore);
      expect(logged).not.toContain('AAAA');
      expect(logged.length).toBeLessThan(4 * 600);
      expect(logged.match(/webhook delivery refused/g)).toHaveLength(4);
    },
    TIMEOUT,
  );

  it(
    'reads a forged body under the cap, refuses it with 401, and neither stores nor logs it',
    async () => {
      const logBefore = app.output().length;
      const statuses = await Promise.all(
        Array.from({ length: 4 }, () => streamJunk(app.webhookUrl, 5 * 1024 * 1024, `sha256=${'1'.repeat(64)}`)),
      );
      expect(statuses).toEqual([401, 401, 401, 401]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const logged = app.output().slice(logBefore);
      expect(logged).not.toContain('AAAA');
      expect(logged.match(/signature does not match/g)).toHaveLength(4);
      expect(double.requests).toEqual([]); // nothing reached triage, so GitHub was never asked anything
    },
    TIMEOUT,
  );
});
