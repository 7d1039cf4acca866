import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

const root = new URL('../../', import.meta.url).pathname;

/** Starts `npm start`'s entry (scripts/start.js) exactly as a user would, on a free port, and waits for it to listen. */
async function startApp(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; baseUrl: string; output: () => string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'mimo-start-'));
  // Probot's setup flow reads app.yml and package.json from the working directory.
  writeFileSync(join(cwd, 'app.yml'), `name: mimo-code-test\ndefault_permissions:\n  contents: write\n`);
  writeFileSync(
    join(cwd, 'package.json'),
    JSON.stringify({ name: 'mimo-code', version: '0.0.0', description: 'd' }),
  );
  const child = spawn(process.execPath, [join(root, 'scripts/start.js')], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      PORT: '0',
      LOG_LEVEL: 'info',
      NO_SMEE_SETUP: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const collect = (chunk: Buffer) => (text += chunk.toString());
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const deadline = Date.now() + 60_000; // a loaded CI machine starts node slowly
  while (!/Listening on http:\/\/[^:]+:(\d+)/.test(text)) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${text}`);
    if (Date.now() > deadline) throw new Error(`server did not start:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const port = /Listening on http:\/\/[^:]+:(\d+)/.exec(text)![1];
  return { child, baseUrl: `http://127.0.0.1:${port}`, output: () => text };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

describe('npm start', () => {
  it('serves the GitHub App setup flow and /healthz when no credentials are configured', async () => {
    const { child, baseUrl } = await startApp({});
    try {
      const health = await fetch(`${baseUrl}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', mode: 'setup' });

      const root = await fetch(`${baseUrl}/`, { redirect: 'manual' });
      expect(root.status).toBe(302);
      expect(root.headers.get('location')).toBe('/probot');

      const setup = await fetch(`${baseUrl}/probot`);
      expect(setup.status).toBe(200);
      const page = await setup.text();
      expect(page).toContain('Register GitHub App');
      // The manifest posted to GitHub carries app.yml's permissions.
      expect(page).toMatch(/&quot;contents&quot;:\s*&quot;write&quot;|"contents":\s*"write"/);
    } finally {
      await stop(child);
    }
  });

  it('runs the app and answers /healthz when APP_ID and a private key are set', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    const { child, baseUrl, output } = await startApp({
      APP_ID: '123',
      PRIVATE_KEY: pem,
      WEBHOOK_SECRET: 'test',
    });
    try {
      const health = await fetch(`${baseUrl}/healthz`);
      expect(await health.json()).toEqual({ status: 'ok', mode: 'app' });
      expect(output()).toContain('mimo-code loaded');
      const unsigned = await fetch(`${baseUrl}/api/github/webhooks`, { method: 'POST', body: '{}' });
      expect(unsigned.status).toBeGreaterThanOrEqual(400);
    } finally {
      await stop(child);
    }
  });

  it('refuses to start in production without credentials, saying which is missing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mimo-start-'));
    const child = spawn(process.execPath, [join(root, 'scripts/start.js')], {
      cwd,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0' },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toContain('APP_ID is not set');
  });
});
