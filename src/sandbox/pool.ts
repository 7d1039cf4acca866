import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import {
  checkEngine,
  fillSandbox,
  prepareSandbox,
  startSandbox,
  type DockerSandboxOptions,
  type SandboxPlan,
  type StartedSandbox,
} from './docker.js';
import { containerRunning, dockerClient } from './engine.js';
import { sweepContainers } from './sweep.js';
import type { Sandbox } from './types.js';

/** Label of the containers a pool started ahead of a job (also owner-labelled: swept like any sandbox). */
export const LABEL_POOL = 'mimo.pool';

export interface WarmPoolOptions {
  /** Engine client (default: DOCKER_HOST's); a caller's `docker` option wins. */
  docker?: Docker;
  /** Started sandboxes kept waiting per container shape (image, user, limits); 0 disables the pool. */
  size: number;
  /** Told when a warm sandbox could not be started (the job then opens one cold). */
  onError?: (error: Error) => void;
}

/** Has a waiting sandbox's container stopped, or been removed, or its runner been lost? */
async function isGone(started: StartedSandbox): Promise<boolean> {
  return started.client.lost !== null || !(await containerRunning(started.container));
}

/** What the pool says about an open: whether a waiting sandbox was used. */
export type PoolOpen = 'warm' | 'cold';

/** The same container shape makes interchangeable sandboxes: image, user, limits, mounts, runtime. */
function shapeKey(plan: SandboxPlan): string {
  return createHash('sha256').update(JSON.stringify(plan.spec)).digest('hex').slice(0, 16);
}

/**
 * A warm pool: per container shape, `size` sandboxes created and started ahead of time (container, workspace
 * volume, resident runner), so a job's open is only the copy of its files. A sandbox from the pool is handed to
 * exactly one job and disposed by it like any other (never returned, never reused); the pool refills behind it.
 * A shape is learnt from the first open that needs it (or `warm()`), so the pool holds only what jobs ask for.
 */
export class WarmPool {
  private readonly waiting = new Map<string, Promise<StartedSandbox | undefined>[]>();
  private closed = false;
  private readonly docker: Docker;

  constructor(private readonly options: WarmPoolOptions) {
    this.docker = options.docker ?? dockerClient();
  }

  /** Starts keeping sandboxes of this shape waiting (e.g. the default runner image at start-up). */
  async warm(options: DockerSandboxOptions): Promise<void> {
    if (this.options.size <= 0 || this.closed) return;
    const plan = await prepareSandbox({ docker: this.docker, ...options });
    this.refill(shapeKey(plan), plan);
  }

  /** Opens a sandbox on `options.workspace`: a waiting one of the same shape when there is one, else a new one. */
  async open(options: DockerSandboxOptions, told?: (how: PoolOpen) => void): Promise<Sandbox> {
    // The engine and the image are checked only when no sandbox of this shape waits: one waiting proves both.
    const plan = await prepareSandbox({ docker: this.docker, ...options }, false);
    const key = shapeKey(plan);
    const queue = this.waiting.get(key) ?? [];
    while (queue.length > 0) {
      const started = await queue.shift()!;
      if (!started || started.client.lost) {
        if (started) await started.container.remove({ force: true, v: true }).catch(() => {});
        continue;
      }
      try {
        const sandbox = await fillSandbox(started, plan.dir);
        told?.('warm');
        return sandbox;
      } catch (error) {
        // It can die or be removed (an operator's `docker rm`, an engine restart) after the check above.
        if (!(await isGone(started))) throw error;
        await started.container.remove({ force: true, v: true }).catch(() => {});
      } finally {
        // Refilled once this job's files are in: the next container's creation does not slow this copy.
        this.refill(key, plan);
      }
    }
    await checkEngine(plan.docker, plan.image);
    this.refill(key, plan);
    told?.('cold');
    if (options.sweep !== false) await sweepContainers({ docker: plan.docker });
    return fillSandbox(await startSandbox(plan, options.labels ?? {}), plan.dir);
  }

  /** Resolves when every sandbox being started has started (or failed): the next open of their shape is warm. */
  async settled(): Promise<void> {
    await Promise.all([...this.waiting.values()].flat());
  }

  /** Removes every waiting sandbox; later opens are cold. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.waiting.values()].flat();
    this.waiting.clear();
    await Promise.all(
      all.map(async (pending) => {
        const started = await pending;
        if (!started) return;
        started.client.close();
        await started.container.remove({ force: true, v: true }).catch(() => {});
      }),
    );
  }

  private refill(key: string, plan: SandboxPlan): void {
    if (this.closed || this.options.size <= 0) return;
    const queue = this.waiting.get(key) ?? [];
    this.waiting.set(key, queue);
    while (queue.length < this.options.size) {
      const starting: Promise<StartedSandbox | undefined> = startSandbox(plan, { [LABEL_POOL]: '1' }).catch(
        (error: Error) => {
          this.options.onError?.(error);
          const at = queue.indexOf(starting);
          if (at >= 0) queue.splice(at, 1);
          return undefined;
        },
      );
      queue.push(starting);
    }
  }
}
