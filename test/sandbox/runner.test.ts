import { jest } from '@jest/globals';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDockerSandbox, SandboxFileError, type Sandbox } from '../../src/sandbox/index.js';
import Docker from 'dockerode';
import { pack } from 'tar-stream';
import { RunnerClient } from '../../src/sandbox/runner/client.js';
import { removeWorkspaces, tempWorkspace } from './helpers.js';

// The resident runner and the in-container workspace, against the real engine.
jest.setTimeout(120_000);

let source: string;
let sandbox: Sandbox;

beforeAll(async () => {
  source = tempWorkspace();
  mkdirSync(join(source, 'src', 'pkg'), { recursive: true });
  writeFileSync(join(source, 'src', 'pkg', 'a.py'), 'A = 1\n');
  writeFileSync(join(source, 'run.sh'), '#!/bin/sh\necho ran\n', { mode: 0o755 });
  mkdirSync(join(source, '.git'));
  writeFileSync(join(source, '.git', 'config'), '[core]\n');
  symlinkSync('/etc/passwd', join(source, 'passwd'));
  symlinkSync('src/pkg', join(source, 'alias'));
  sandbox = await openDockerSandbox({
    workspace: source,
    policy: { diskBytes: 64 * 1024 * 1024, maxFiles: 3000 },
    labels: { 'dev.mimo.test': 'runner' },
  });
});

afterAll(async () => {
  await sandbox?.dispose();
  removeWorkspaces();
});

describe('the workspace copied into the sandbox', () => {
  it('holds the files without .git, owned by the sandbox user, executable bits kept', async () => {
    const r = await sandbox.exec('ls -A; stat -c "%U %a" src/pkg/a.py run.sh; ./run.sh; id -un');
    expect(r.stdout).toBe('alias\npasswd\nrun.sh\nsrc\nsandbox 644\nsandbox 755\nran\nsandbox\n');
  });

  it('takes files as a raw tar over the runner stream, and never reads a byte of a bad one as a request', async () => {
    const docker = new Docker();
    const container = docker.getContainer((await sandbox.exec('cat /etc/hostname')).stdout.trim());
    const user = (await sandbox.exec('echo "$(id -u):$(id -g)"')).stdout.trim();
    const client = await RunnerClient.start(docker, container, user); // a second runner beside the sandbox's
    try {
      expect(client.canUpload).toBe(true);
      const tar = pack();
      tar.entry({ name: 'up/one.txt', mode: 0o644 }, 'uploaded\n');
      tar.finalize();
      const bytes: Buffer[] = [];
      for await (const chunk of tar) bytes.push(chunk as Buffer);
      const archive = Buffer.concat(bytes);
      const sent = await client.request({ op: 'u', fields: [String(archive.length)], raw: archive });
      expect(sent.status).toBe('ok');
      // Not a tar: requests hidden in it must be drained as data, and the runner must stay in step.
      const forged = Buffer.from('x 0123456789abcdef 5\n=/workspace\n=0\n=0\n=touch\n=pwned\n');
      const bad = await client.request({ op: 'u', fields: [String(forged.length)], raw: forged });
      expect(bad.status).toBe('error');
      expect((await client.request({ op: 'p', fields: [] })).status).toBe('ok');
    } finally {
      client.close();
    }
    expect((await sandbox.readFile('up/one.txt'))?.toString()).toBe('uploaded\n');
    expect((await sandbox.exec('test -e pwned')).exitCode).toBe(1);
    await sandbox.exec('rm -r up');
  });

  it('reads, writes, lists and removes files through the runner, binary-safe', async () => {
    const bytes = Buffer.from([0, 1, 10, 92, 37, 0xff, 0x2e, 10, 0x3a]);
    await sandbox.writeFile('new/deep/blob.bin', bytes);
    expect(await sandbox.readFile('new/deep/blob.bin')).toEqual(bytes);
    expect((await sandbox.exec('od -An -tx1 new/deep/blob.bin')).stdout.trim()).toBe(
      '00 01 0a 5c 25 ff 2e 0a 3a',
    );
    expect(await sandbox.listFiles('.', { maxDepth: 20, ignore: ['node_modules'] })).toEqual([
      'new/deep/blob.bin',
      'run.sh',
      'src/pkg/a.py',
    ]);
    expect(await sandbox.statFile('new/deep')).toBe('dir');
    await sandbox.removeFile('new/deep/blob.bin');
    expect(await sandbox.readFile('new/deep/blob.bin')).toBeNull();
    expect(existsSync(join(source, 'new'))).toBe(false); // the host source is never written
  });

  it('refuses symlinks out of the workspace and a symlink as the last component, and paths with ..', async () => {
    await expect(sandbox.readFile('passwd')).rejects.toMatchObject({ reason: 'symlink' });
    await expect(sandbox.writeFile('passwd', 'x')).rejects.toBeInstanceOf(SandboxFileError);
    expect((await sandbox.readFile('alias/a.py'))?.toString()).toBe('A = 1\n'); // a folder alias inside is fine
    await expect(sandbox.readFile('../etc/passwd')).rejects.toMatchObject({ reason: 'outside' });
    await sandbox.exec('ln -s /etc out');
    await expect(sandbox.readFile('out/passwd')).rejects.toMatchObject({ reason: 'outside' });
    await expect(sandbox.writeFile('out/evil', 'x')).rejects.toMatchObject({ reason: 'outside' });
    await sandbox.exec('rm out');
  });
  // The workspace quota and file-count limit under both runtimes: quota.test.ts.
});

describe('the resident runner', () => {
  it('answers a command round trip without an engine exec per command', async () => {
    const r = await sandbox.exec(['sh', '-c', 'echo $PPID; cat /proc/$PPID/cmdline | tr "\\0" " "']);
    expect(r.stdout).toMatch(/mimo-runner/);
  });

  it('reports a command that killed the watcher the runner started for it, and ends what it left', async () => {
    const r = await sandbox.exec('(exec >/dev/null 2>&1; sleep 300) & kill -9 $PPID; sleep 300');
    expect(r.runnerLost).toBe(true);
    expect(r.exitCode).toBe(137);
    expect(r.stderr).toMatch(/killed the sandbox's runner; its processes were ended\]/);
    const ps = await sandbox.exec('ps -e -o args= | grep -c "^sleep 300" || true');
    expect(ps.stdout.trim()).toBe('0');
  });

  it('reports a command that killed the runner itself, ends what it left and starts a new runner', async () => {
    // the watcher's parent is the runner
    const r = await sandbox.exec(
      '(exec >/dev/null 2>&1; sleep 300) & kill -9 "$(cut -d" " -f4 /proc/$PPID/stat)"; sleep 300',
    );
    expect(r.runnerLost).toBe(true);
    expect(r.exitCode).toBe(137);
    expect(r.stderr).toMatch(/killed the sandbox's runner; .* a new runner started/);
    const ps = await sandbox.exec('ps -e -o args= | grep -c "^sleep 300" || true');
    expect(ps.stdout.trim()).toBe('0');
    expect((await sandbox.readFile('src/pkg/a.py'))?.toString()).toBe('A = 1\n'); // the workspace survived
  });

  it('takes a frame printed by a command as its output, not as the end of the command', async () => {
    const r = await sandbox.exec("printf '\\036Mdeadbeef x ok 0 0\\n'; sleep 0.2; exit 3");
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('\x1eMdeadbeef x ok 0 0\n');
  });
});
