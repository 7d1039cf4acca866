import type Docker from 'dockerode';
import { chown, lchown, readdir, realpath, stat } from 'node:fs/promises';
import { assertEngineReachable, assertImagePresent, dockerClient } from './engine.js';
import { NetworkNotAllowedError, SandboxDisposedError, WorkspaceMissingError } from './errors.js';
import { type ExecContext, runExec, WORKDIR } from './exec.js';
import { runnerImageName } from './recipes.js';
import { ownerLabels } from './labels.js';
import { resolvePolicy, type SandboxPolicy } from './policy.js';
import { sweepContainers } from './sweep.js';
import type { ExecOptions, ExecResult, Sandbox } from './types.js';

export interface DockerSandboxOptions {
  /** Host directory bind-mounted read-write at /workspace: the only writable place that outlives the container. */
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
/** The network a setup phase is connected to. */
const SETUP_NETWORK = 'bridge';

const cpusOfEngine = new WeakMap<Docker, Promise<number>>();

/** CPUs of the engine's machine (the engine refuses a CPU limit above it); asked once per client. */
function engineCpus(docker: Docker): Promise<number> {
  let cpus = cpusOfEngine.get(docker);
  if (!cpus) {
    cpus = docker.info().then(
      (info: { NCPU?: number }) => info.NCPU ?? Number.POSITIVE_INFINITY,
      () => Number.POSITIVE_INFINITY,
    );
    cpusOfEngine.set(docker, cpus);
  }
  return cpus;
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

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) await chownTree(path, uid, gid);
    else await lchown(path, uid, gid);
  }
}

/**
 * The uid:gid commands run as: the workspace owner, never root. A root-owned workspace (typical when the app
 * itself runs as root) is handed over to the policy's fallback user so the sandbox can write to it.
 */
async function sandboxUser(dir: string, policy: SandboxPolicy): Promise<{ uid: number; gid: number }> {
  if (typeof policy.user === 'object') return policy.user;
  const info = await stat(dir);
  if (info.uid !== 0) return { uid: info.uid, gid: info.gid === 0 ? info.uid : info.gid };
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`workspace ${dir} is owned by root and commands never run as root: chown it to a user`);
  }
  await chownTree(dir, policy.fallbackUid, policy.fallbackGid);
  return { uid: policy.fallbackUid, gid: policy.fallbackGid };
}

function containerSpec(
  engineCpus: number,
  image: string,
  dir: string,
  user: { uid: number; gid: number },
  policy: SandboxPolicy,
  labels: Record<string, string>,
): Docker.ContainerCreateOptions {
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
      Mounts: [{ Type: 'bind', Source: dir, Target: WORKDIR, ReadOnly: false }],
      ReadonlyRootfs: true,
      Tmpfs: {
        '/tmp': `rw,exec,nosuid,nodev,size=${policy.tmpBytes},mode=1777`,
        '/var/tmp': `rw,exec,nosuid,nodev,size=${policy.tmpBytes},mode=1777`,
        [HOME]: `rw,exec,nosuid,nodev,size=${policy.homeBytes},uid=${user.uid},gid=${user.gid},mode=700`,
      },
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Privileged: false,
      Memory: policy.memoryBytes,
      MemorySwap: policy.memoryBytes,
      NanoCpus: Math.round(Math.min(policy.cpus, engineCpus) * 1e9),
      PidsLimit: policy.pidsLimit,
      Ulimits: [{ Name: 'nofile', Soft: policy.nofile, Hard: policy.nofile }],
      NetworkMode: 'none',
      AutoRemove: false,
    },
  };
}

class DockerSandbox implements Sandbox {
  readonly workdir = WORKDIR;
  private readonly ctx: ExecContext;
  private network: 'none' | 'setup' | 'detached' = 'none';
  private disposing: Promise<void> | undefined;
  /** Commands run one at a time: each one's leftovers are swept when it ends. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly hostWorkspace: string,
    readonly id: string,
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    user: string,
    private readonly policy: SandboxPolicy,
  ) {
    this.ctx = {
      docker,
      container,
      user,
      oomCount: 0,
      restart: async () => {
        await container.kill({ signal: 'SIGKILL' }).catch(() => {});
        await container.wait({ condition: 'not-running' }).catch(() => {});
        await container.start();
      },
    };
  }

  exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.disposing) return Promise.reject(new SandboxDisposedError());
    const run = async () => {
      if (this.disposing) throw new SandboxDisposedError();
      const limits = {
        ...options,
        timeoutMs: options.timeoutMs ?? this.policy.commandTimeoutMs,
        maxOutputBytes: options.maxOutputBytes ?? this.policy.maxOutputBytes,
      };
      try {
        return await runExec(this.ctx, command, limits);
      } catch (error) {
        // The container stopped (e.g. its init was OOM-killed): start it again once and retry.
        if ((error as { statusCode?: number }).statusCode !== 409 || this.disposing) throw error;
        await this.ctx.restart();
        return runExec(this.ctx, command, limits);
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async setNetwork(enabled: boolean): Promise<void> {
    if (this.disposing) throw new SandboxDisposedError();
    if (enabled) {
      if (!this.policy.allowSetupNetwork) throw new NetworkNotAllowedError();
      if (this.network === 'setup') return;
      // A container on `none` must leave it before joining another network.
      if (this.network === 'none') await this.docker.getNetwork('none').disconnect({ Container: this.id });
      await this.docker.getNetwork(SETUP_NETWORK).connect({ Container: this.id });
      this.network = 'setup';
    } else if (this.network === 'setup') {
      await this.docker.getNetwork(SETUP_NETWORK).disconnect({ Container: this.id, Force: true });
      this.network = 'detached';
    }
  }

  dispose(): Promise<void> {
    this.disposing ??= this.container.remove({ force: true, v: true }).then(
      () => undefined,
      (error: { statusCode?: number }) => {
        if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
      },
    );
    return this.disposing;
  }
}

/**
 * Opens a sandbox: one long-lived, locked-down container per job with the workspace bind-mounted; commands run
 * in it as execs. Throws WorkspaceMissingError, EngineUnreachableError or ImageMissingError with what to do.
 * Always `dispose()` it (see `withDockerSandbox`).
 */
export async function openDockerSandbox(options: DockerSandboxOptions): Promise<Sandbox> {
  const policy = resolvePolicy(options.policy);
  const dir = await workspaceDir(options.workspace);
  const docker = options.docker ?? dockerClient();
  await assertEngineReachable(docker);
  const image = options.image ?? runnerImageName();
  await assertImagePresent(docker, image);
  if (options.sweep !== false) await sweepContainers({ docker });
  const user = await sandboxUser(dir, policy);
  const labels = { ...options.labels, ...ownerLabels() };
  const container = await docker.createContainer(
    containerSpec(await engineCpus(docker), image, dir, user, policy, labels),
  );
  try {
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(() => {});
    throw error;
  }
  return new DockerSandbox(dir, container.id, docker, container, `${user.uid}:${user.gid}`, policy);
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
