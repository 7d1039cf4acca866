import type Docker from 'dockerode';
import { dockerClient } from './engine.js';
import { LABEL_SANDBOX, ownerIsDead } from './labels.js';

export interface SweepOptions {
  docker?: Docker;
  /** Also remove sandboxes of live processes, and of other hosts (e.g. `mimo` maintenance on a shared engine). */
  all?: boolean;
}

/**
 * Removes sandbox containers whose owning process is gone (crashed, killed): run at startup so a crash never
 * leaves a container (and its CPU, memory and mounts) behind. Returns the ids removed.
 */
export async function sweepContainers(options: SweepOptions = {}): Promise<string[]> {
  const docker = options.docker ?? dockerClient();
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_SANDBOX}=1`] } });
  const removed: string[] = [];
  for (const info of containers) {
    if (!options.all && !ownerIsDead(info.Labels ?? {})) continue;
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed.push(info.Id);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== 404 && status !== 409) throw error; // gone already, or being removed by its owner
    }
  }
  return removed;
}
