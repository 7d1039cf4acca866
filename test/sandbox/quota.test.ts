import { jest } from '@jest/globals';
import { statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDockerSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { removeWorkspaces, tempWorkspace } from './helpers.js';

// The workspace quota (sandbox.diskMb, a sized tmpfs volume of the engine) and the file-count limit, against the
// real engine under both runtimes: under gVisor the volume is the same host tmpfs, reached through the gofer.
jest.setTimeout(180_000);

afterAll(removeWorkspaces);

describe.each(['runc', 'runsc'] as const)('workspace quota (%s)', (runtime) => {
  let source: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    source = tempWorkspace();
    writeFileSync(join(source, 'README.md'), 'demo\n');
    sandbox = await openDockerSandbox({
      workspace: source,
      policy: { runtime, diskBytes: 64 * 1024 * 1024, maxFiles: 3000 },
      labels: { 'dev.mimo.test': `quota-${runtime}` },
    });
  });

  afterAll(async () => {
    await sandbox?.dispose();
  });

  it('stops a 10 GB write at the workspace size with a clear reason, the host disk untouched', async () => {
    const before = statfsSync('/var/lib/docker');
    const r = await sandbox.exec('dd if=/dev/zero of=big bs=1M count=10240', { timeoutMs: 120_000 });
    const after = statfsSync('/var/lib/docker');
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/No space left on device/);
    expect(r.quotaExceeded).toBe('disk');
    // (wc, not stat: Debian's runsc refuses coreutils' statx)
    const written = await sandbox.exec('wc -c < big');
    expect(written.exitCode).toBe(0);
    expect(Number(written.stdout.trim())).toBeGreaterThan(32 * 1024 * 1024);
    expect(Number(written.stdout.trim())).toBeLessThanOrEqual(64 * 1024 * 1024);
    const usedMb = ((before.bavail - after.bavail) * before.bsize) / 1024 ** 2;
    expect(usedMb).toBeLessThan(32); // the 64 MB that were written live in the engine's memory, not on disk
    await sandbox.exec('rm -f big');
    expect((await sandbox.exec('true')).quotaExceeded).toBeUndefined();
    expect((await sandbox.exec('echo fits > small && cat small')).stdout).toBe('fits\n');
  });

  it('stops a file flood at the file-count limit', async () => {
    const r = await sandbox.exec(
      'mkdir -p flood && cd flood && i=0; while [ $i -lt 5000 ]; do : > f$i || exit 1; i=$((i+1)); done',
      { timeoutMs: 120_000 },
    );
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/No space left on device/);
    expect(r.quotaExceeded).toBe('files');
    await sandbox.exec('rm -rf flood');
  });
});
