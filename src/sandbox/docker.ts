import type Docker from 'dockerode';
import { realpath, stat } from 'node:fs/promises';
import { fillWorkspace } from './copy.js';
import { readEnv } from '../config/index.js';
import {
  assertEngineReachable,
  assertImagePresent,
  assertLimitsEnforced,
  assertRuntimePresent,
  dockerClient,
  engineMachine,
} from './engine.js';
import { WorkspaceMissingError } from './errors.js';
import { WORKDIR } from './files.js';
import { runnerImageName } from './recipes.js';
import { ownerLabels } from './labels.js';
import { resolvePolicy, type SandboxPolicy } from './policy.js';
import { RunnerClient } from './runner/client.js';
import { DockerSandbox, type SiblingFactory } from './sandbox.js';
import { sweepContainers } from './sweep.js';
import type { Sandbox } from './types.js';

export interface DockerSandboxOptions {
  /** Host directory whose files (without `.git`) are copied into the sandbox's workspace; never written to. */
  workspace: string;
  /** Image to run (default: the polyglot runner, `runnerImageName()`); never pulled. */
  image?: string;
  policy?: Partial<SandboxPolicy>;
  /** Extra labels (e.g. the job id); the sandbox's own labels always win. */
  labels?: Record<string, string>;
  /** Engine client (default: dockerode's, which honours DOCKER_HOST). */
  docker?: Docker;
  /** Remove containers left by dead processes before creating this one (default true). */
  sweep?: boolean;
}

const HOME = '/home/sandbox';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** The user of the container's init and keep-alive process (nobody). */
const KEEPALIVE_UID = 65534;

/** CPUs of the engine's machine (the engine refuses a CPU limit above it). */
function engineCpus(docker: Docker): Promise<number> {
  return engineMachine(docker).then(
    (info) => info.NCPU ?? Number.POSITIVE_INFINITY,
    () => Number.POSITIVE_INFINITY,
  );
}

async function workspaceDir(path: string): Promise<string> {
  try {
    const dir = await realpath(path);
    if ((await stat(dir)).isDirectory()) return dir;
  } catch {
    // reported below
  }
  throw new WorkspaceMissingError(path);
}

/**
 * The uid:gid commands run as: the workspace owner's, never root (a root-owned workspace, typical when the app
 * runs as root, gets the policy's fallback user). The host directory itself is never changed: the files are
 * copied into the container owned by this user.
 */
async function sandboxUser(dir: string, policy: SandboxPolicy): Promise<{ uid: number; gid: number }> {
  if (typeof policy.user === 'object') return policy.user;
  const info = await stat(dir);
  if (info.uid !== 0) return { uid: info.uid, gid: info.gid === 0 ? info.uid : info.gid };
  return { uid: policy.fallbackUid, gid: policy.fallbackGid };
}

/** The workspace (and, under gVisor, HOME) as a tmpfs volume of the engine, removed with the container. */
function tmpfsVolume(target: string, size: number, options: string, labels: Record<string, string>) {
  return {
    Type: 'volume' as const,
    Source: '',
    Target: target,
    ReadOnly: false,
    VolumeOptions: {
      NoCopy: true,
      Labels: labels,
      DriverConfig: {
        Name: 'local',
        Options: { type: 'tmpfs', device: 'tmpfs', o: `size=${size},${options}` },
      },
    },
  };
}

/**
 * Host tasks gVisor uses per process of the sandbox (ptrace platform), and for itself: measured here ~8.5 per
 * process over ~40 of its own. The engine's pids limit counts them, and past it the sentry dies instead of fork
 * failing (docs/sandbox.md, "gVisor"), so under runsc the engine's limit is `pids × 12 + 64`.
 */
const RUNSC_PIDS_FACTOR = 12;
const RUNSC_PIDS_BASE = 64;

/**
 * The container of a sandbox. `sibling` (gVisor's networked setup): a runc container on the same workspace and
 * HOME volumes as the container `sibling.of`, instead of volumes of its own.
 */
function containerSpec(
  engineCpus: number,
  image: string,
  user: { uid: number; gid: number },
  policy: SandboxPolicy,
  labels: Record<string, string>,
  sibling?: { of: string },
): Docker.ContainerCreateOptions {
  const gvisor = policy.runtime === 'runsc' && !sibling;
  const owned = `uid=${user.uid},gid=${user.gid}`;
  const tmp = `rw,exec,nosuid,nodev,size=${policy.tmpBytes},mode=1777`;
  // The workspace: an anonymous tmpfs volume of the engine (removed with the container), sized by the policy in
  // bytes and files. Nothing of the host is mounted, so any engine works, local or remote. Under gVisor HOME is a
  // volume too, so that the runc sibling of a networked setup installs into the same HOME the tests then read.
  const mounts = sibling
    ? []
    : [
        tmpfsVolume(WORKDIR, policy.diskBytes, `nr_inodes=${policy.maxFiles},${owned},mode=0755`, labels),
        ...(gvisor ? [tmpfsVolume(HOME, policy.homeBytes, `${owned},mode=0700`, labels)] : []),
      ];
  return {
    Image: image,
    Entrypoint: ['sleep'],
    Cmd: ['infinity'],
    // init and the keep-alive run as another unprivileged user than the commands, which therefore cannot kill
    // them (and end the container), while the commands' own leftovers can all be swept (scripts.ts).
    User:
      user.uid === KEEPALIVE_UID
        ? `${KEEPALIVE_UID - 1}:${KEEPALIVE_UID - 1}`
        : `${KEEPALIVE_UID}:${KEEPALIVE_UID}`,
    WorkingDir: WORKDIR,
    Env: [`PATH=${PATH}`, `HOME=${HOME}`, 'LANG=C.UTF-8'],
    Labels: labels,
    HostConfig: {
      Init: true,
      ...(gvisor ? { Runtime: 'runsc' } : {}),
      Mounts: mounts,
      ...(sibling ? { VolumesFrom: [`${sibling.of}:rw`] } : {}),
      ReadonlyRootfs: true,
      Tmpfs: {
        '/tmp': tmp,
        '/var/tmp': tmp,
        ...(gvisor || sibling
          ? {}
          : { [HOME]: `rw,exec,nosuid,nodev,size=${policy.homeBytes},${owned},mode=700` }),
      },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      Memory: policy.memoryBytes,
      MemorySwap: policy.memoryBytes,
      NanoCpus: Math.round(Math.min(policy.cpus, engineCpus) * 1e9),
      PidsLimit: gvisor ? policy.pidsLimit * RUNSC_PIDS_FACTOR + RUNSC_PIDS_BASE : policy.pidsLimit,
      Ulimits: [{ Name: 'nofile', Soft: policy.nofile, Hard: policy.nofile }],
      NetworkMode: 'none',
      AutoRemove: false,
    },
  };
}

/** What a sandbox is made of before its workspace is filled: resolved by `prepareSandbox`, keyed for the pool. */
export interface SandboxPlan {
  docker: Docker;
  dir: string;
  image: string;
  user: { uid: number; gid: number };
  policy: SandboxPolicy;
  /** CPUs of the engine's machine (the CPU limit is capped by it). */
  engineCpus: number;
  /** The container's create options without the labels: equal specs make interchangeable sandboxes. */
  spec: Docker.ContainerCreateOptions;
}

/**
 * Checks the workspace, the engine and the image (unless `check` is false: a waiting sandbox of the same shape
 * shows both), and resolves the container a sandbox on `options` needs.
 * Throws WorkspaceMissingError, EngineUnreachableError or ImageMissingError with what to do.
 */
export async function prepareSandbox(options: DockerSandboxOptions, check = true): Promise<SandboxPlan> {
  const policy = resolvePolicy(options.policy);
  const dir = await workspaceDir(options.workspace);
  const docker = options.docker ?? dockerClient();
  const image = options.image ?? runnerImageName();
  if (check) await checkEngine(docker, image, policy.runtime);
  const user = await sandboxUser(dir, policy);
  const cpus = await engineCpus(docker);
  return {
    docker,
    dir,
    image,
    user,
    policy,
    engineCpus: cpus,
    spec: containerSpec(cpus, image, user, policy, {}),
  };
}

/**
 * EngineUnreachableError, ImageMissingError, RuntimeMissingError or EngineLimitsError (each says what to do) unless
 * the engine can run `image` under `runtime` with the sandbox's limits.
 */
export async function checkEngine(docker: Docker, image: string, runtime = 'runc'): Promise<void> {
  await assertEngineReachable(docker);
  await assertImagePresent(docker, image);
  await assertRuntimePresent(docker, runtime);
  await assertLimitsEnforced(docker, readEnv().allowUnlimitedEngine);
}

/** A started container with its runner and an empty workspace: a sandbox waiting for its files. */
export interface StartedSandbox {
  plan: SandboxPlan;
  container: Docker.Container;
  client: RunnerClient;
}

/** Creates and starts the container of `plan` and its resident runner; removes the container when that fails. */
export async function startSandbox(
  plan: SandboxPlan,
  labels: Record<string, string>,
): Promise<StartedSandbox> {
  const { docker, user } = plan;
  const all = { ...labels, ...ownerLabels() };
  const container = await docker.createContainer(
    containerSpec(plan.engineCpus, plan.image, user, plan.policy, all),
  );
  try {
    await container.start();
    const client = await RunnerClient.start(docker, container, `${user.uid}:${user.gid}`);
    return { plan, container, client };
  } catch (error) {
    await container.remove({ force: true, v: true }).catch(() => {});
    throw error;
  }
}

/**
 * gVisor runs with --network=none: a networked setup runs in a runc sibling of the same user, limits and
 * hardening, on the gVisor container's workspace and HOME volumes (`VolumesFrom`), removed when setup ends.
 */
function siblingOf(plan: SandboxPlan): SiblingFactory {
  const policy = { ...plan.policy, runtime: 'runc' as const };
  const user = `${plan.user.uid}:${plan.user.gid}`;
  return async (of) => {
    const labels = { ...ownerLabels(), 'dev.mimo.for': of };
    const spec = containerSpec(plan.engineCpus, plan.image, plan.user, policy, labels, { of });
    const container = await plan.docker.createContainer(spec);
    try {
      await container.start();
      const client = await RunnerClient.start(plan.docker, container, user);
      return new DockerSandbox(container.id, plan.docker, container, user, policy, client);
    } catch (error) {
      await container.remove({ force: true, v: true }).catch(() => {});
      throw error;
    }
  };
}

/** Copies the plan's workspace into a started sandbox and hands it over; removes the container when that fails. */
export async function fillSandbox(started: StartedSandbox, dir: string): Promise<Sandbox> {
  const { plan, container, client } = started;
  try {
    await fillWorkspace(container, client, dir, plan.user);
    const user = `${plan.user.uid}:${plan.user.gid}`;
    const sibling = plan.policy.runtime === 'runsc' ? siblingOf(plan) : undefined;
    return new DockerSandbox(container.id, plan.docker, container, user, plan.policy, client, sibling);
  } catch (error) {
    client.close();
    await container.remove({ force: true, v: true }).catch(() => {});
    throw error;
  }
}

/**
 * Opens a sandbox: one long-lived, locked-down container per job, the files of `workspace` copied into its own
 * sized workspace, and one resident runner that runs every command and file operation. Throws
 * WorkspaceMissingError, EngineUnreachableError, ImageMissingError or RuntimeMissingError with what to do.
 * Always `dispose()` it (see `withDockerSandbox`); a warm pool (pool.ts) opens the same sandboxes ahead of time.
 */
export async function openDockerSandbox(options: DockerSandboxOptions): Promise<Sandbox> {
  const plan = await prepareSandbox(options);
  if (options.sweep !== false) await sweepContainers({ docker: plan.docker });
  return fillSandbox(await startSandbox(plan, options.labels ?? {}), plan.dir);
}

/** Runs `fn` with a fresh sandbox and removes the container afterwards, also when `fn` throws. */
export async function withDockerSandbox<T>(
  options: DockerSandboxOptions,
  fn: (sandbox: Sandbox) => Promise<T>,
): Promise<T> {
  const sandbox = await openDockerSandbox(options);
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.dispose();
  }
}
