import Docker from 'dockerode';
import { homedir, userInfo } from 'node:os';
import { engineEndpointOf, engineOptions, type EngineEnv } from './engine-config.js';
import {
  EngineConfigError,
  EngineLimitsError,
  EngineUnreachableError,
  ImageMissingError,
  RuntimeMissingError,
} from './errors.js';
import { connectionFailure, engineError, isNotFound, messageOf } from './engine-errors.js';
import { sshEngineSocket, sshTunnelOf } from './engine-ssh.js';
import { processEnv } from '../config/index.js';

/**
 * A dockerode client for the engine DOCKER_HOST names (with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, read as the
 * docker CLI reads them: see engineOptions), else the local socket, so an app host without an engine can use a
 * remote one. Throws EngineConfigError when the variables cannot name an engine.
 */
export function dockerClient(env: EngineEnv = processEnv()): Docker {
  const options = engineOptions(env);
  try {
    if (options.protocol === 'ssh') {
      // every field set, so dockerode's own reading of DOCKER_HOST (its per-call SSH transport) stays out
      const { username: _u, sshOptions: _s, ...rest } = options;
      return new Docker({
        ...rest,
        protocol: undefined,
        host: undefined,
        port: undefined,
        socketPath: sshSocket(options, env),
      });
    }
    return new Docker(options);
  } catch (error) {
    // dockerode also reads the process's DOCKER_* variables itself (e.g. certificates it cannot open)
    throw new EngineConfigError(engineEndpointOf(env), (error as Error).message);
  }
}

function sshSocket(options: Docker.DockerOptions, env: EngineEnv): string {
  return sshEngineSocket({
    host: String(options.host),
    port: Number(options.port),
    username: options.username ?? userInfo().username,
    home: env['HOME'] || homedir(),
    ...(env['SSH_AUTH_SOCK'] ? { agent: env['SSH_AUTH_SOCK'] } : {}),
  });
}

/** Where the client connects, for messages. */
export function engineEndpoint(docker: Docker): string {
  const m = docker.modem as unknown as {
    socketPath?: unknown;
    host?: string;
    port?: number | string;
    protocol?: string;
  };
  if (typeof m.socketPath === 'string')
    return sshTunnelOf(m.socketPath)?.endpoint ?? `unix://${m.socketPath}`;
  if (m.host) {
    // as DOCKER_HOST spells it: tcp:// whether or not TLS is on
    const host = m.host.includes(':') ? `[${m.host}]` : m.host;
    return `${m.protocol === 'ssh' ? 'ssh' : 'tcp'}://${host}${m.port ? `:${m.port}` : ''}`;
  }
  return engineEndpointOf(processEnv());
}

function errorReason(docker: Docker, error: unknown): string {
  const socketPath = (docker.modem as unknown as { socketPath?: unknown }).socketPath;
  const ssh = typeof socketPath === 'string' ? sshTunnelOf(socketPath)?.failure : undefined;
  return ssh ?? connectionFailure(error) ?? messageOf(error);
}

/** Checks the engine answers; throws EngineUnreachableError with what to do when it does not. */
export async function assertEngineReachable(docker: Docker, timeoutMs = 5000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      docker.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new EngineUnreachableError(engineEndpoint(docker), errorReason(docker, error));
  } finally {
    clearTimeout(timer);
  }
}

/** Whether the engine has the image (never pulls). */
/** Is the container running? False when it stopped or is gone (404); other engine errors are thrown, typed. */
export function containerRunning(container: Docker.Container): Promise<boolean> {
  return container.inspect().then(
    (info) => info.State.Running,
    (error: unknown) => {
      if (isNotFound(error)) return false;
      throw engineError(error);
    },
  );
}

/**
 * Whether the engine has its default bridge network (not one started with `--bridge none`): the egress proxy's way
 * out and an image build's network. Looked up by name, never created here.
 */
export async function hasDefaultBridge(docker: Docker): Promise<boolean> {
  try {
    const info = (await docker.getNetwork('bridge').inspect()) as { Driver?: string; Internal?: boolean };
    return info.Driver === 'bridge' && info.Internal !== true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw engineError(error);
  }
}

export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw engineError(error, engineEndpoint(docker));
  }
}

export async function assertImagePresent(docker: Docker, image: string): Promise<void> {
  if (!(await imageExists(docker, image))) throw new ImageMissingError(image);
}

/** What `docker info` says of the machine (CPUs, limit support): fixed for an engine's life, asked once per client. */
export interface EngineMachine {
  NCPU?: number;
  MemoryLimit?: boolean;
  PidsLimit?: boolean;
  CpuCfsQuota?: boolean;
}
const machineOf = new WeakMap<Docker, Promise<EngineMachine>>();

export function engineMachine(docker: Docker): Promise<EngineMachine> {
  let info = machineOf.get(docker);
  if (!info) {
    info = docker.info() as Promise<EngineMachine>;
    machineOf.set(docker, info);
    info.catch(() => machineOf.delete(docker)); // a failed answer is asked again next time
  }
  return info;
}

const warnedUnlimited = new WeakSet<Docker>();

/**
 * Throws EngineLimitsError when `docker info` says the engine cannot enforce a memory, pids or CPU limit (an
 * engine that does not report a field is taken at its word); with `allowUnlimited` it warns once instead.
 */
export async function assertLimitsEnforced(docker: Docker, allowUnlimited: boolean): Promise<void> {
  const info = await engineMachine(docker);
  const missing = [
    info.MemoryLimit === false ? 'memory' : '',
    info.PidsLimit === false ? 'pids' : '',
    info.CpuCfsQuota === false ? 'CPU' : '',
  ].filter(Boolean);
  if (missing.length === 0) return;
  const error = new EngineLimitsError(engineEndpoint(docker), missing);
  if (!allowUnlimited) throw error;
  if (warnedUnlimited.has(docker)) return;
  warnedUnlimited.add(docker);
  process.stderr.write(
    `mimo: warning: MIMO_ALLOW_UNLIMITED_ENGINE is set and the engine at ${engineEndpoint(docker)} enforces no ` +
      `${missing.join(', ')} limit: sandboxes run without them\n`,
  );
}

/** The OCI runtimes the engine has registered (`docker info`'s Runtimes), e.g. `runc`, `runsc`. */
export async function engineRuntimes(docker: Docker): Promise<string[]> {
  const info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
  return Object.keys(info.Runtimes ?? {}).sort();
}

/** Checks the engine can run `runtime` (runc always can); throws RuntimeMissingError naming what it has. */
export async function assertRuntimePresent(docker: Docker, runtime: string): Promise<void> {
  if (runtime === 'runc') return;
  const runtimes = await engineRuntimes(docker);
  if (!runtimes.includes(runtime)) throw new RuntimeMissingError(runtime, runtimes);
}
