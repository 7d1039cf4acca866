import { jest } from '@jest/globals';
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  EngineUnreachableError,
  ImageMissingError,
  openDockerSandbox,
  runnerImageName,
  sweepContainers,
  withDockerSandbox,
  WorkspaceMissingError,
} from '../../src/sandbox/index.js';
import { containersOfThisProcess, removeWorkspaces, tempWorkspace } from './helpers.js';

jest.setTimeout(60_000);
const docker = new Docker();

describe('opening a sandbox on bad input', () => {
  it('names a workspace that does not exist', async () => {
    const missing = join(tempWorkspace(), 'no-such-dir');
    await expect(openDockerSandbox({ workspace: missing })).rejects.toThrow(WorkspaceMissingError);
  });

  it('says the engine is unreachable and how to start or point to one', async () => {
    const nowhere = new Docker({ socketPath: '/nonexistent/docker.sock' });
    const error = await openDockerSandbox({ workspace: tempWorkspace(), docker: nowhere }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineUnreachableError);
    expect((error as Error).message).toContain('unix:///nonexistent/docker.sock');
    expect((error as Error).message).toMatch(/systemctl start docker/);
    expect((error as Error).message).toMatch(/DOCKER_HOST/);
  });

  it('tells to run `mimo images build` when the image is missing, and leaves no container', async () => {
    const error = await openDockerSandbox({
      workspace: tempWorkspace(),
      image: 'mimo-no-such-image:0',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageMissingError);
    expect((error as Error).message).toContain('run `mimo images build`');
    expect(await containersOfThisProcess()).toEqual([]);
  });
});

describe('limits the engine cannot give', () => {
  it('clamps a CPU limit above the engine machine to its CPUs', async () => {
    const sandbox = await openDockerSandbox({ workspace: tempWorkspace(), policy: { cpus: 4096 } });
    try {
      const id = (await sandbox.exec('cat /etc/hostname')).stdout.trim();
      const { NCPU } = await docker.info();
      expect((await docker.getContainer(id).inspect()).HostConfig.NanoCpus).toBe(NCPU * 1e9);
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('cleanup', () => {
  it('removes the container when the job throws', async () => {
    let id = '';
    await expect(
      withDockerSandbox({ workspace: tempWorkspace() }, async (sandbox) => {
        id = (await sandbox.exec('cat /etc/hostname')).stdout.trim();
        throw new Error('job failed');
      }),
    ).rejects.toThrow('job failed');
    expect(id).not.toBe('');
    const left = await docker.listContainers({ all: true, filters: { label: ['dev.mimo.sandbox=1'] } });
    expect(left.filter((c) => c.Id.startsWith(id))).toEqual([]);
  });

  it('sweeps containers of a dead process or a reused pid, keeps live ones and those of other hosts', async () => {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const labelled = (labels: Record<string, string>) =>
      docker.createContainer({
        Image: runnerImageName(),
        Cmd: ['true'],
        Labels: { 'dev.mimo.sandbox': '1', ...labels },
      });
    // As a crash leaves them: a pid that no longer runs; a pid now used by another (later started) process.
    const deadPid = await labelled({
      'dev.mimo.pid': '2147483646',
      'dev.mimo.host': hostname(),
      'dev.mimo.boot': boot,
    });
    const reusedPid = await labelled({
      'dev.mimo.pid': String(process.pid),
      'dev.mimo.host': hostname(),
      'dev.mimo.boot': boot,
      'dev.mimo.start': '1',
    });
    const mark = `sweep-${process.pid}`;
    const otherHost = await labelled({
      'dev.mimo.pid': '1',
      'dev.mimo.host': 'another-app-host',
      'dev.mimo.boot': 'x',
      'dev.mimo.test': mark,
    });
    const live = await openDockerSandbox({ workspace: tempWorkspace(), sweep: false });
    try {
      const removed = await sweepContainers();
      // Other suites running beside this one open sandboxes, and each opening sweeps too: whichever sweep got
      // there first, the dead process's and the reused pid's containers are gone, and the others are kept.
      await expect(deadPid.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(reusedPid.inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect(removed).not.toContain(otherHost.id);
      expect((await otherHost.inspect()).Id).toBe(otherHost.id);
      expect((await live.exec('echo alive')).stdout).toBe('alive\n');
      // Past the age limit, any sandbox container goes, whichever host made it.
      // (Restricted by label to this test's container: others' sandboxes may be running on this engine.)
      expect(await sweepContainers({ maxAgeMs: -60_000, labels: [`dev.mimo.test=${mark}`] })).toEqual([
        otherHost.id,
      ]);
    } finally {
      await live.dispose();
      for (const c of [deadPid, reusedPid, otherHost]) await c.remove({ force: true }).catch(() => {});
    }
  });

  it('sweeps the container of a process that was killed while its sandbox was open', async () => {
    const dist = new URL('../../dist/sandbox/index.js', import.meta.url).href;
    const script = `import(${JSON.stringify(dist)}).then(async (m) => {
      await m.openDockerSandbox({ workspace: ${JSON.stringify(tempWorkspace())}, sweep: false });
      console.log('open');
      setInterval(() => {}, 1000);
    });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => d.includes('open') && resolve()),
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const ofChild = () =>
      docker
        .listContainers({ all: true, filters: { label: [`dev.mimo.pid=${child.pid}`] } })
        .then((l) => l.map((c) => c.Id));
    const left = await ofChild();
    expect(left).toHaveLength(1);
    expect(await sweepContainers()).toEqual(expect.arrayContaining(left));
    expect(await ofChild()).toEqual([]);
  });

  it('leaves no container of this test process behind (checked by label)', async () => {
    expect(await containersOfThisProcess()).toEqual([]);
  });
});

afterAll(() => removeWorkspaces());
