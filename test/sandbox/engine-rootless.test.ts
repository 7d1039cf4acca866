// A rootless engine (Debian's dockerd-rootless.sh as an unprivileged user, test/helpers/rootless-engine.ts). On a
// host where it gets no cgroups (cgroup v1 here: `Cgroup Driver: none`) it would silently drop the sandbox's memory,
// pids and CPU limits, so mimo refuses it unless the operator sets MIMO_ALLOW_UNLIMITED_ENGINE; then the sandbox
// still runs as the non-root sandbox user, its timeout still kills, and the user's directory is never written.
import { jest } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseImageName, EngineLimitsError, withDockerSandbox } from '../../src/sandbox/index.js';
import { runMimo } from '../helpers/mimo-cli.js';
import { startRootlessEngine, type RootlessEngine } from '../helpers/rootless-engine.js';

jest.setTimeout(180_000);
const image = baseImageName(); // /bin/sh is all the resident runner needs; the base loads in seconds
let engine: RootlessEngine;
let limits = { MemoryLimit: true, PidsLimit: true };
const ws = mkdtempSync(join(tmpdir(), 'mimo-rootless-ws-'));

beforeAll(async () => {
  engine = await startRootlessEngine([image]);
  limits = (await engine.docker.info()) as typeof limits;
  writeFileSync(join(ws, 'in.txt'), 'rootless\n');
});
afterAll(async () => {
  await engine?.stop();
  rmSync(ws, { recursive: true, force: true });
});

const mimo = (env: Record<string, string>, args: string[]) =>
  runMimo(args, { DOCKER_HOST: engine.dockerHost, ...env });

const unlimited = () => !limits.MemoryLimit || !limits.PidsLimit;

describe('a rootless engine', () => {
  it('is one (the engine says rootless)', async () => {
    const info = (await engine.docker.info()) as { SecurityOptions?: string[] };
    expect(info.SecurityOptions).toContain('name=rootless');
  });

  it('is refused when it cannot enforce the limits, with the reason and the way out', async () => {
    const result = await mimo({ MIMO_ALLOW_UNLIMITED_ENGINE: '' }, [
      'exec',
      '--image',
      image,
      '--repo',
      ws,
      '--',
      'echo ran',
    ]);
    if (!unlimited()) {
      // a host with cgroup v2 delegation: the limits hold and nothing is refused
      expect(result.code).toBe(0);
      return;
    }
    expect(result.code).not.toBe(0);
    expect(result.stdout).not.toContain('ran');
    expect(result.stderr).toContain(
      `the Docker engine at ${engine.dockerHost} cannot enforce the sandbox's memory`,
    );
    expect(result.stderr).toContain('MIMO_ALLOW_UNLIMITED_ENGINE=true');
    delete process.env['MIMO_ALLOW_UNLIMITED_ENGINE'];
    await expect(
      withDockerSandbox({ workspace: ws, docker: engine.docker, image }, async () => 1),
    ).rejects.toThrow(EngineLimitsError);
  });

  it('with MIMO_ALLOW_UNLIMITED_ENGINE runs as the sandbox user, says so, and its timeout still kills', async () => {
    const before = readdirSync(ws);
    const result = await mimo({ MIMO_ALLOW_UNLIMITED_ENGINE: 'true' }, [
      'exec',
      '--image',
      image,
      '--repo',
      ws,
      '--timeout',
      '2',
      '--',
      'id -u; cat in.txt; echo x > out.txt; sleep 30',
    ]);
    expect(result.code).toBe(1); // a command that timed out
    const run = JSON.parse(result.stdout) as { stdout: string; timedOut: boolean; durationMs: number };
    expect(run.stdout).toBe('10001\nrootless\n');
    expect(run.timedOut).toBe(true);
    expect(run.durationMs).toBeLessThan(15_000);
    if (unlimited())
      expect(result.stderr).toMatch(/warning: MIMO_ALLOW_UNLIMITED_ENGINE is set .* enforces no memory/);
    expect(readdirSync(ws)).toEqual(before);
    expect(readFileSync(join(ws, 'in.txt'), 'utf8')).toBe('rootless\n');
  });

  it('holds a sandbox: the copy in, the runner and the reads back', async () => {
    process.env['MIMO_ALLOW_UNLIMITED_ENGINE'] = 'true';
    try {
      const out = await withDockerSandbox(
        { workspace: ws, docker: engine.docker, image },
        async (sandbox) => {
          const run = await sandbox.exec('cat in.txt; echo edited > in.txt');
          return { run, read: (await sandbox.readFile('in.txt'))?.toString() };
        },
      );
      expect(out.run).toMatchObject({ exitCode: 0, stdout: 'rootless\n' });
      expect(out.read).toBe('edited\n');
    } finally {
      delete process.env['MIMO_ALLOW_UNLIMITED_ENGINE'];
    }
  });
});
