import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Labels put on every container the sandbox creates, so that a sweep can find the ones left behind. */
export const LABEL_SANDBOX = 'dev.mimo.sandbox';
export const LABEL_PID = 'dev.mimo.pid';
export const LABEL_HOST = 'dev.mimo.host';
export const LABEL_BOOT = 'dev.mimo.boot';

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** The labels that name this process as the owner of a container. */
export function ownerLabels(): Record<string, string> {
  return {
    [LABEL_SANDBOX]: '1',
    [LABEL_PID]: String(process.pid),
    [LABEL_HOST]: hostname(),
    [LABEL_BOOT]: bootId(),
  };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the process that created a container with these labels is gone: same host, and either another boot
 * or a pid that no longer runs. Containers of other hosts (a shared remote engine) are never judged dead.
 */
export function ownerIsDead(labels: Record<string, string>): boolean {
  if (labels[LABEL_HOST] !== hostname()) return false;
  if (labels[LABEL_BOOT] !== bootId()) return true;
  const pid = Number(labels[LABEL_PID]);
  return !Number.isInteger(pid) || pid <= 0 || !processAlive(pid);
}
