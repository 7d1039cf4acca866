import { jest } from '@jest/globals';
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
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
import { containersOfThisProcess, tempWorkspace } from './helpers.js';

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

  it('sweeps containers left by a dead process and keeps those of live ones', async () => {
    // A container labelled as a sandbox of a process that no longer exists, as a crash would leave it.
    const orphan = await docker.createContainer({
      Image: runnerImageName(),
      Cmd: ['true'],
      Labels: {
        'dev.mimo.sandbox': '1',
        'dev.mimo.pid': '2147483646',
        'dev.mimo.host': hostname(),
        'dev.mimo.boot': 'another-boot',
      },
    });
    const live = await openDockerSandbox({ workspace: tempWorkspace(), sweep: false });
    try {
      const removed = await sweepContainers();
      expect(removed).toContain(orphan.id);
      await expect(orphan.inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect((await live.exec('echo alive')).stdout).toBe('alive\n');
    } finally {
      await live.dispose();
      await orphan.remove({ force: true }).catch(() => {});
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
