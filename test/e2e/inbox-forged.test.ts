// Hostile deliveries against the app as `npm start` runs it: forged and oversized bodies are refused without being
// buffered whole, and the log says one short line per delivery, never the payload.
import { streamJunk } from '../app/raw-http.js';
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { startAppProcess, type AppProcess } from './app-process.js';

const TIMEOUT = 120_000;

const junk = (signature: string) => ({
  'content-type': 'application/json',
  'x-github-event': 'issue_comment',
  'x-github-delivery': `forged-${Math.random()}`,
  'x-hub-signature-256': signature,
});

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
        Array.from({ length: 4 }, () =>
          streamJunk(app.webhookUrl, junk(`sha256=${'0'.repeat(64)}`), 100 * 1024 * 1024),
        ),
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
        Array.from({ length: 4 }, () =>
          streamJunk(app.webhookUrl, junk(`sha256=${'1'.repeat(64)}`), 5 * 1024 * 1024),
        ),
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
