// A second Docker engine that shares no files and no network with this machine, standing in for a remote one
// (DESIGN.md, "Facts checked"): dockerd in its own mount and network namespaces, an empty tmpfs over /tmp, its own
// data and exec roots, no bridge, reached over its own unix socket. Started once per test file (start + image load
// takes a minute or two), stopped and its data root removed in afterAll, also when a test failed.
import Docker from 'dockerode';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** Where the engines' data roots live: on the host's disk, outside the /tmp the engine's namespace hides. */
const ROOT = '/var/lib/mimo-second-engine';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface SecondEngine {
  /** `unix:///var/run/NAME.sock`, for DOCKER_HOST. */
  readonly dockerHost: string;
  readonly docker: Docker;
  /** The engine's data root on the host (removed by stop()). */
  readonly dir: string;
  /** Removes every container, stops the engine and everything in its namespaces, removes its data root. */
  stop(): Promise<void>;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, command)));
}

/**
 * Why a second engine cannot be started here (undefined when it can): it needs root (mount and network namespaces,
 * a dockerd of its own; CI runs as root), `unshare` and `dockerd`.
 */
export function secondEngineUnavailable(): string | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return 'a second Docker engine needs root (its own mount and network namespaces and dockerd): run as root, as CI does';
  for (const command of ['unshare', 'dockerd']) if (!onPath(command)) return `${command} is not installed`;
  return undefined;
}

function mountNamespace(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`);
  } catch {
    return undefined;
  }
}

/**
 * The engine's own mount namespace, once `unshare` has made it: never this process's (read too early, the child
 * is still in ours, and killing "every process in it" would kill the machine's).
 */
function engineNamespace(pid: number | undefined): string | undefined {
  const ns = pid ? mountNamespace(pid) : undefined;
  return ns && ns !== mountNamespace(process.pid) ? ns : undefined;
}

/** Pids of the processes in a mount namespace (dockerd, its containerd, shims): all started by this helper. */
function processesIn(namespace: string): number[] {
  const pids: number[] = [];
  if (namespace === mountNamespace(process.pid)) return pids;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid > 0 && mountNamespace(pid) === namespace) pids.push(pid);
  }
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Kills by pid what is left in the engine's namespace, then removes its data root and socket. */
async function cleanUp(dir: string, socket: string, namespace: string | undefined): Promise<void> {
  if (namespace) {
    for (const pid of processesIn(namespace)) process.kill(pid, 'SIGTERM');
    await waitFor(() => processesIn(namespace).length === 0, 10_000);
    for (const pid of processesIn(namespace)) process.kill(pid, 'SIGKILL');
    await waitFor(() => processesIn(namespace).length === 0, 5_000);
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(socket, { force: true });
}

/** Data roots of earlier runs whose test process is gone (killed before its afterAll) and whose engine is gone. */
function sweepLeftovers(): void {
  if (!existsSync(ROOT)) return;
  for (const name of readdirSync(ROOT)) {
    const owner = Number(/^e-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(owner) || alive(owner)) continue;
    const pidfile = join(ROOT, name, 'dockerd.pid');
    const dockerd = existsSync(pidfile) ? Number(readFileSync(pidfile, 'utf8')) : 0;
    if (dockerd > 0 && alive(dockerd)) continue; // still running: not ours to judge
    rmSync(join(ROOT, name), { recursive: true, force: true });
  }
}

export async function loadImage(from: Docker, to: Docker, image: string): Promise<void> {
  const saved = await from.getImage(image).get();
  const progress = (await to.loadImage(saved, { quiet: true })) as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    to.modem.followProgress(progress, (error: Error | null, events: { error?: string }[]) => {
      const failed = error ?? events.find((e) => e.error)?.error;
      if (failed) reject(new Error(`loading ${image} into another engine failed: ${String(failed)}`));
      else resolve();
    });
  });
}

/**
 * A second engine, not started yet: `start()` in beforeAll starts it and loads `images` (from the host's engine),
 * `stop()` in afterAll stops it whatever state it reached (also while start() is still loading, e.g. when
 * beforeAll timed out). Call secondEngineUnavailable() first.
 */
export function secondEngine(options: { images: string[] }): SecondEngine & { start(): Promise<void> } {
  const name = `e-${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = join(ROOT, name);
  const socket = `/var/run/mimo-${name}.sock`;
  const docker = new Docker({ socketPath: socket });
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let namespace: string | undefined;
  let stderr = '';
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    namespace ??= engineNamespace(child?.pid);
    if (child && running()) {
      const containers = await docker.listContainers({ all: true }).catch(() => []);
      for (const c of containers)
        await docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined);
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), STOP_TIMEOUT_MS).unref()),
      ]);
      if (!stopped) child.kill('SIGKILL');
    }
    await cleanUp(dir, socket, namespace);
  };
  const start = async () => {
    sweepLeftovers();
    mkdirSync(dir, { recursive: true });
    // Its own (empty) daemon.json: the host's may name hosts, runtimes or a bridge that would clash.
    writeFileSync(join(dir, 'daemon.json'), '{}\n');
    const dockerd = [
      'dockerd',
      `--config-file ${dir}/daemon.json`,
      `--data-root ${dir}/data`,
      `--exec-root ${dir}/exec`,
      `--pidfile ${dir}/dockerd.pid`,
      `-H unix://${socket}`,
      '--bridge none --iptables=false --ip-masq=false',
    ].join(' ');
    const spawned = spawn(
      'unshare',
      ['-m', '-n', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /tmp && exec ${dockerd}`],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    child = spawned;
    spawned.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    exited = new Promise<void>((resolve) => spawned.once('exit', () => resolve()));
    try {
      const up = await waitFor(async () => {
        if (!running()) throw new Error(`the second dockerd exited ${spawned.exitCode}: ${stderr}`);
        namespace ??= engineNamespace(spawned.pid);
        return docker.ping().then(
          () => true,
          () => false,
        );
      }, START_TIMEOUT_MS);
      if (!up)
        throw new Error(`the second dockerd did not answer within ${START_TIMEOUT_MS / 1000} s: ${stderr}`);
      const host = new Docker();
      for (const image of options.images) await loadImage(host, docker, image);
    } catch (error) {
      await stop();
      throw error;
    }
  };
  return { dockerHost: `unix://${socket}`, docker, dir, start, stop };
}
