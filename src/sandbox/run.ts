import type Docker from 'dockerode';
import { Workspace } from '../tools/index.js';
import { openDockerSandbox } from './docker.js';
import { EgressStartError } from './egress/index.js';
import type { SandboxPolicy } from './policy.js';
import type { PoolOpen, WarmPool } from './pool.js';
import { TOOL_ENV } from './tool-env.js';
import type { Sandbox } from './types.js';

/** The setup command of a run and whether it gets a network (the repository's `network.setup`). */
export interface SetupSpec {
  command: string;
  network: boolean;
  /** Wall-clock limit (default: the policy's command timeout). */
  timeoutMs?: number;
}

/** What the setup command did; `output` is the tail of its stdout + stderr. */
export interface SetupOutcome {
  command: string;
  exitCode: number;
  timedOut: boolean;
  network: boolean;
  durationMs: number;
  output: string;
  /** Why setup ran without the network it asked for (the engine cannot give it one, e.g. no default bridge). */
  networkUnavailable?: string;
}

/** The event a run reports about its setup: structurally an iteration-log event (repair/'s IterationEvent). */
export interface SetupEvent {
  ts: string;
  iteration: 0;
  phase: 'start';
  message: string;
  command: string;
  exitCode: number;
  durationMs: number;
}

export interface SandboxedRunOptions {
  /**
   * Host directory the sandbox's workspace is made from (its files, never `.git`). The sandbox's processes
   * never write to it: edits reach the host only through the recorded edits of the workspace view.
   */
  workspace: string;
  /** Image the engine has (default: the runner image); never pulled. */
  image?: string;
  /** Limits (see policyFromConfig for a repository's). */
  policy?: Partial<SandboxPolicy>;
  /** Extra container labels, e.g. `{ 'mimo.job': id }`. */
  labels?: Record<string, string>;
  /** Engine client (default: DOCKER_HOST's). */
  docker?: Docker;
  /** Take a started sandbox from this warm pool when one of the same shape waits (see pool.ts). */
  pool?: WarmPool;
  /** Told whether the sandbox came warm from the pool or was opened cold. */
  onOpen?: (how: PoolOpen) => void;
  /** Run once before the body; a failing setup is reported, not thrown (the tests then show what is missing). */
  setup?: SetupSpec;
  /** Receives the setup's iteration-log event. */
  reporter?: { event(event: SetupEvent): void };
  /** Aborts setup (and is for the body to honour); the sandbox is disposed either way. */
  signal?: AbortSignal;
}

/** What the body gets: the open sandbox, the workspace view the tools edit through, the setup's outcome. */
export interface SandboxedRun {
  sandbox: Sandbox;
  workspace: Workspace;
  setup?: SetupOutcome;
}

/** The refused connections of the setup phase, for its log line: what a failing install tried to reach. */
async function deniedConnections(sandbox: Sandbox): Promise<string> {
  const refused = (await sandbox.networkLog?.().catch(() => [])) ?? [];
  const denied = refused.filter((d) => !d.allow);
  if (denied.length === 0) return '';
  const shown = [...new Set(denied.map((d) => `${d.host}:${d.port} (${d.reason ?? 'refused'})`))].slice(
    0,
    10,
  );
  return `; egress refused ${denied.length} connection(s): ${shown.join(', ')} — add a registry to \`network.allow\` in .github/mimo.yml if setup needs it`;
}

async function runSetup(
  sandbox: Sandbox,
  spec: SetupSpec,
  options: SandboxedRunOptions,
): Promise<SetupOutcome> {
  const { command } = spec;
  let network = spec.network;
  let unavailable: string | undefined;
  if (network) {
    try {
      await sandbox.setNetwork(true);
    } catch (error) {
      // An engine that cannot give setup its way out: run it offline (the tests then show what is missing)
      // rather than fail the job or let every download hang until its own timeout.
      if (!(error instanceof EgressStartError)) throw error;
      network = false;
      unavailable = error.message;
    }
  }
  try {
    const result = await sandbox.exec(command, {
      env: { ...TOOL_ENV },
      ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const ended = result.timedOut ? 'timed out' : `exited ${result.exitCode}`;
    const denied = network ? await deniedConnections(sandbox) : '';
    const offline = unavailable
      ? ` (without network: ${unavailable})`
      : network
        ? ' (network: allow-listed registries only)'
        : ' (without network)';
    options.reporter?.event({
      ts: new Date().toISOString(),
      iteration: 0,
      phase: 'start',
      message: `setup \`${command}\` ${ended}${offline}${denied}`,
      command,
      exitCode: result.exitCode,
      durationMs: result.durationMs,
    });
    return {
      command,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      network,
      durationMs: result.durationMs,
      output: (result.stdout + result.stderr).slice(-4000),
      ...(unavailable ? { networkUnavailable: unavailable } : {}),
    };
  } finally {
    if (network) await sandbox.setNetwork(false);
  }
}

/**
 * One sandboxed run: opens a sandbox on `options.workspace` (image, policy, labels), runs the setup command with
 * the network the config allows (reported as an iteration-log event), runs `body` with the open sandbox and a
 * workspace view whose edits are recorded, and always disposes the sandbox, also when setup or body throw.
 * Opening throws WorkspaceMissingError, EngineUnreachableError or ImageMissingError (each says what to do).
 *
 * ```ts
 * const result = await runSandboxed({ workspace: dir, policy, setup }, ({ sandbox, workspace }) =>
 *   runRepair({ sandbox, workspace, … }));
 * ```
 */
export async function runSandboxed<T>(
  options: SandboxedRunOptions,
  body: (run: SandboxedRun) => Promise<T>,
): Promise<T> {
  options.signal?.throwIfAborted();
  const open = {
    workspace: options.workspace,
    ...(options.image !== undefined ? { image: options.image } : {}),
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.docker ? { docker: options.docker } : {}),
  };
  const sandbox = options.pool
    ? await options.pool.open(open, options.onOpen)
    : await openDockerSandbox(open).then((opened) => (options.onOpen?.('cold'), opened));
  try {
    const setup = options.setup ? await runSetup(sandbox, options.setup, options) : undefined;
    const workspace = Workspace.of(sandbox);
    return await body({ sandbox, workspace, ...(setup ? { setup } : {}) });
  } finally {
    await sandbox.dispose();
  }
}
