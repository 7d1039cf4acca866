import type Docker from 'dockerode';
import { dockerClient } from './engine.js';
import { LABEL_SANDBOX, ownerIsDead } from './labels.js';
import { sweepEgress } from './egress/index.js';
import { ignoreGone } from './engine-errors.js';

export interface SweepOptions {
  docker?: Docker;
  /** Also remove sandboxes of live processes, and of other hosts (e.g. `mimo` maintenance on a shared engine). */
  all?: boolean;
  /**
   * Remove any sandbox container older than this, whatever host created it (default 25 h: longer than the
   * longest job a config allows). Catches containers of app hosts that are gone (a recreated app container has
   * another hostname).
   */
  maxAgeMs?: number;
  /** Only containers that also carry these labels (`key=value`), e.g. one job's. */
  labels?: string[];
}

const DEFAULT_MAX_AGE_MS = 25 * 3600 * 1000;

/**
 * Removes sandbox containers whose owning process is gone (crashed, killed): run at startup so a crash never
 * leaves a container (and its CPU, memory and mounts) behind. Returns the ids removed.
 */
export async function sweepContainers(options: SweepOptions = {}): Promise<string[]> {
  const docker = options.docker ?? dockerClient();
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`${LABEL_SANDBOX}=1`, ...(options.labels ?? [])] },
  });
  const removed: string[] = [];
  const oldest = Date.now() - (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS);
  for (const info of containers) {
    const stale = info.Created * 1000 < oldest;
    if (!options.all && !stale && !ownerIsDead(info.Labels ?? {})) continue;
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed.push(info.Id);
    } catch (error) {
      ignoreGone(error); // gone already, or being removed by its owner
    }
  }
  // The egress networks of the removed sandboxes (their proxies were swept above: they carry the same labels).
  if (!options.labels) await sweepEgress(docker, (labels) => options.all === true || ownerIsDead(labels));
  return removed;
}
