import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  copyFileSync,
  readdirSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { baseImageName } from '../../src/sandbox/index.js';

/**
 * The shipped Dockerfile, built as an operator would, from a base image this test makes out of our debootstrap
 * base and Debian's nodejs (no registry pull), then run: it must answer /healthz in app mode and run a repair
 * against the engine it is given.
 */
const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
const nodeBase = 'mimo-node-base:test';
const appImage = 'mimo-app:test';
const extraCaDir = process.env.MIMO_EXTRA_CA_DIR ?? '/usr/local/share/ca-certificates';

async function docker(args: string[], timeout = 15 * 60_000): Promise<string> {
  const { stdout } = await run('docker', args, { timeout, maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** Our debootstrap base + Debian's nodejs and npm, trusting the host's extra CAs (TLS-intercepting proxies). */
async function buildNodeBase(): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'mimo-node-base-'));
  try {
    mkdirSync(join(context, 'extra-ca'));
    const cas = existsSync(extraCaDir) ? readdirSync(extraCaDir).filter((n) => n.endsWith('.crt')) : [];
    for (const name of cas) copyFileSync(join(extraCaDir, name), join(context, 'extra-ca', name));
    writeFileSync(
      join(context, 'Dockerfile'),
      [
        `FROM ${baseImageName()}`,
        'RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm ca-certificates && rm -rf /var/lib/apt/lists/*',
        'COPY extra-ca/ /usr/local/share/ca-certificates/mimo/',
        'RUN update-ca-certificates >/dev/null',
        'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
        '',
      ].join('\n'),
    );
    await docker(['build', '-q', '-t', nodeBase, context]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

async function waitHealthy(url: string, deadlineMs: number): Promise<{ status: string; mode: string }> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      // A bounded attempt: right after the start, docker-proxy may accept a connection it never answers.
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (response.ok) return (await response.json()) as { status: string; mode: string };
      last = response.status;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no healthy answer from ${url}: ${String(last)}`);
}

describe('the shipped Dockerfile', () => {
  let container = '';

  afterAll(async () => {
    if (container) await docker(['rm', '-f', container]).catch(() => undefined);
  });

  it(
    'builds from a base given as a build argument, answers /healthz in app mode and repairs a repository through the engine',
    async () => {
      await buildNodeBase();
      await docker(['build', '-q', '--build-arg', `BASE=${nodeBase}`, '-t', appImage, root]);

      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
      const socketGid = execFileSync('stat', ['-c', '%g', '/var/run/docker.sock'], {
        encoding: 'utf8',
      }).trim();
      container = await docker([
        'run',
        '-d',
        '-p',
        '127.0.0.1::3000',
        '--group-add',
        socketGid,
        '-v',
        '/var/run/docker.sock:/var/run/docker.sock',
        '-e',
        'APP_ID=12345',
        '-e',
        `PRIVATE_KEY=${pem}`,
        '-e',
        'WEBHOOK_SECRET=dockerfile-test',
        '-e',
        'HOST=0.0.0.0',
        '-e',
        'MIMO_EMBEDDED_WORKER=false',
        // The runner image's tag hashes the CAs it trusts: name the same ones, so the app finds the image built here.
        '-e',
        'MIMO_EXTRA_CA_DIR=/usr/local/share/ca-certificates/mimo',
        appImage,
      ]);
      const port = (await docker(['port', container, '3000/tcp'])).split(':').pop();
      expect(await waitHealthy(`http://127.0.0.1:${port}/healthz`, 60_000)).toEqual({
        status: 'ok',
        mode: 'app',
      });

      // A repair from inside the app's container: its files exist only there, so the engine must get the workspace
      // by copy (no bind mount of an app path).
      const script = [
        'set -e',
        'mkdir -p /tmp/repo/tests && cd /tmp/repo',
        'printf "def area(w, h):\\n    return sqrt(w * w) * h\\n" > shapes.py',
        'printf "from shapes import area\\n\\ndef test_area():\\n    assert area(2, 3) == 6\\n" > tests/test_shapes.py',
        'node /app/bin/mimo.js fix --repo /tmp/repo --test "python -m pytest -q" --model none --log /tmp/log.jsonl',
        'head -3 shapes.py',
      ].join('\n');
      const { stdout } = await run('docker', ['exec', container, 'sh', '-c', script], {
        timeout: 10 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      const lines = stdout.trim().split('\n');
      const result = JSON.parse(lines.find((l) => l.startsWith('{"success"')) ?? '{}') as {
        success?: boolean;
      };
      expect(result.success).toBe(true);
      expect(stdout).toMatch(/^(from math import sqrt|import math)/m);
    },
    30 * 60_000,
  );
});
