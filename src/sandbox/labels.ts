import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** Labels put on every container the sandbox creates, so that a sweep can find the ones left behind. */
export const LABEL_SANDBOX = 'dev.mimo.sandbox';
export const LABEL_PID = 'dev.mimo.pid';
export const LABEL_HOST = 'dev.mimo.host';
export const LABEL_BOOT = 'dev.mimo.boot';
/** When the owning process started (clock ticks since boot): tells a reused pid from the owner. */
export const LABEL_START = 'dev.mimo.start';

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat), or 'unknown'. */
function processStart(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? 'unknown';
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
    [LABEL_START]: processStart(process.pid),
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
 * Whether the process that created a container with these labels is gone: same host, and another boot, a pid
 * that no longer runs, or a pid now used by a process that started at another time. Containers of other hosts
 * (a shared remote engine) are not judged here (see the age limit of the sweep).
 */
export function ownerIsDead(labels: Record<string, string>): boolean {
  if (labels[LABEL_HOST] !== hostname()) return false;
  if (labels[LABEL_BOOT] !== bootId()) return true;
  const pid = Number(labels[LABEL_PID]);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return true;
  const start = labels[LABEL_START];
  return start !== undefined && start !== 'unknown' && start !== processStart(pid);
}
