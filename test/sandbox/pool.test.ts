import { jest } from '@jest/globals';
import Docker from 'dockerode';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LABEL_POOL, runSandboxed, WarmPool, type PoolOpen, type Sandbox } from '../../src/sandbox/index.js';
import { containersOfThisProcess, removeWorkspaces, tempWorkspace } from './helpers.js';

// The warm pool against the real engine and the real runner image: sandboxes started ahead of a job, each handed
// to one job only, refilled behind it, removed on close.
jest.setTimeout(180_000);

const docker = new Docker();

async function poolContainers(): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_POOL}=1`, `dev.mimo.pid=${process.pid}`] },
  });
  return list.map((c) => c.Id);
}

async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The container a sandbox runs in, as the engine names it (its hostname is the id's first 12 characters). */
async function containerOf(sandbox: Sandbox): Promise<string> {
  const host = (await sandbox.exec('cat /etc/hostname')).stdout.trim();
  return (await docker.getContainer(host).inspect()).Id;
}

function project(): string {
  const dir = tempWorkspace('mimo-pool-test-');
  writeFileSync(join(dir, 'app.py'), 'def add(a, b):\n    return a + b\n');
  return dir;
}

afterAll(async () => {
  removeWorkspaces();
  for (const id of await containersOfThisProcess(docker)) {
    await docker
      .getContainer(id)
      .remove({ force: true, v: true })
      .catch(() => {});
  }
});

describe('warm pool', () => {
  it('hands a started sandbox to one job with its files, refills behind it, and never hands it out twice', async () => {
    const pool = new WarmPool({ size: 1 });
    try {
      await pool.warm({ workspace: project() });
      await until('a waiting pool sandbox', async () => (await poolContainers()).length === 1);
      const [waiting] = await poolContainers();

      const told: PoolOpen[] = [];
      const first = await runSandboxed(
        { workspace: project(), pool, onOpen: (how) => told.push(how) },
        async ({ sandbox, workspace }) => {
          const run = await sandbox.exec('cat app.py && id -u');
          await workspace.write('app.py', 'def add(a, b):\n    return b + a\n');
          return {
            id: await containerOf(sandbox),
            stdout: run.stdout,
            after: await workspace.read('app.py'),
          };
        },
      );
      expect(told).toEqual(['warm']);
      expect(first.id).toBe(waiting);
      expect(first.stdout).toContain('return a + b');
      expect(first.stdout.trim().split('\n').pop()).not.toBe('0');
      expect(first.after).toContain('return b + a');
      // The job's sandbox is gone with the job; a new one waits in its place.
      await until('the refill', async () => {
        const now = await poolContainers();
        return now.length === 1 && now[0] !== waiting;
      });
      const [refilled] = await poolContainers();
      const second = await runSandboxed({ workspace: project(), pool }, async ({ sandbox }) => ({
        id: await containerOf(sandbox),
        files: (await sandbox.exec('ls')).stdout.trim(),
      }));
      expect(second.id).toBe(refilled);
      expect(second.id).not.toBe(first.id);
      // The second job sees its own files, nothing of the first job's edits.
      expect(second.files).toBe('app.py');
      expect(
        await docker
          .getContainer(first.id)
          .inspect()
          .catch(() => 'removed'),
      ).toBe('removed');
    } finally {
      await pool.close();
    }
    expect(await poolContainers()).toEqual([]);
  });

  it('opens cold for a shape it has not seen, then keeps that shape warm', async () => {
    const pool = new WarmPool({ size: 1 });
    try {
      const told: PoolOpen[] = [];
      const policy = { memoryBytes: 384 * 1024 * 1024 };
      const limit =
        'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes';
      const cold = await runSandboxed(
        { workspace: project(), policy, pool, onOpen: (how) => told.push(how) },
        async ({ sandbox }) => (await sandbox.exec(limit)).stdout.trim(),
      );
      await until('the learnt shape', async () => (await poolContainers()).length === 1);
      const warm = await runSandboxed(
        { workspace: project(), policy, pool, onOpen: (how) => told.push(how) },
        async ({ sandbox }) => (await sandbox.exec(limit)).stdout.trim(),
      );
      expect(told).toEqual(['cold', 'warm']);
      expect(cold).toBe(String(384 * 1024 * 1024));
      expect(warm).toBe(cold);
      // Another shape does not take the waiting sandbox of this one.
      const other: PoolOpen[] = [];
      await runSandboxed(
        {
          workspace: project(),
          policy: { memoryBytes: 256 * 1024 * 1024 },
          pool,
          onOpen: (h) => other.push(h),
        },
        async () => undefined,
      );
      expect(other).toEqual(['cold']);
    } finally {
      await pool.close();
    }
    expect(await poolContainers()).toEqual([]);
  });

  /**
   * Warms one sandbox, does `lose` to its container once it runs, then opens through the pool: the job must get a
   * working sandbox that is not the lost one, and nothing is left after the pool closes.
   */
  async function opensPastALostOne(lose: (id: string) => Promise<void>): Promise<void> {
    const pool = new WarmPool({ size: 1 });
    try {
      await pool.warm({ workspace: project() });
      await until('a running pool sandbox', async () => {
        const [id] = await poolContainers();
        return id !== undefined && (await docker.getContainer(id).inspect()).State.Running;
      });
      const [waiting] = await poolContainers();
      await lose(waiting!);
      const out = await runSandboxed({ workspace: project(), pool }, async ({ sandbox }) => ({
        id: await containerOf(sandbox),
        stdout: (await sandbox.exec('echo alive')).stdout,
      }));
      expect(out.stdout).toBe('alive\n');
      expect(out.id).not.toBe(waiting);
    } finally {
      await pool.close();
    }
    expect(await poolContainers()).toEqual([]);
  }

  it('skips a waiting sandbox whose container died, and opens a working one', async () => {
    await opensPastALostOne(async (waiting) => {
      await docker.getContainer(waiting).kill();
      // Stopped, or already removed (a sweep beside this suite may take a stopped container): either way dead.
      await until('the dead runner', async () =>
        docker
          .getContainer(waiting)
          .inspect()
          .then(
            (info) => !info.State.Running,
            () => true,
          ),
      );
    });
  });

  it('opens a working sandbox when the waiting one was removed from under it (docker rm -f)', async () => {
    await opensPastALostOne((waiting) => docker.getContainer(waiting).remove({ force: true, v: true }));
  });
});
