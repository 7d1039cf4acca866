import Docker from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];

/** A fresh, empty host directory to mount as a workspace (removed by `removeWorkspaces`). */
export function tempWorkspace(prefix = 'mimo-sandbox-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes the workspaces this test file created. */
export function removeWorkspaces(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Sandbox containers this test process created and that still exist (by label). */
export async function containersOfThisProcess(docker = new Docker(), ...labels: string[]): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: { label: ['dev.mimo.sandbox=1', `dev.mimo.pid=${process.pid}`, ...labels] },
  });
  return list.map((c) => c.Id);
}
