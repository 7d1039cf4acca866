import Docker from 'dockerode';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh, empty host directory to mount as a workspace. */
export function tempWorkspace(prefix = 'mimo-sandbox-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Sandbox containers this test process created and that still exist (by label). */
export async function containersOfThisProcess(docker = new Docker()): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: ['dev.mimo.sandbox=1', `dev.mimo.pid=${process.pid}`] },
  });
  return list.map((c) => c.Id);
}
