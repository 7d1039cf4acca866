import type Docker from 'dockerode';
import { CappedOutput } from './output.js';
import {
  NetworkNotAllowedError,
  RunnerLostError,
  SandboxDisposedError,
  SandboxFileError,
  SandboxLostError,
} from './errors.js';
import { containerCwd, fileError, fileKind, findArgs, parseFound, workspaceRel, WORKDIR } from './files.js';
import { RunnerClient, type RunnerReply, type RunnerRequest } from './runner/client.js';
import { KILL_SCRIPT } from './runner/script.js';
import type { SandboxPolicy } from './policy.js';
import { openEgress, type Egress } from './egress/index.js';
import { runnerImageName } from './recipes.js';
import type { ExecOptions, ExecResult, FileKind, NetworkDecision, Sandbox } from './types.js';
import { ignoreGone, isConflict, isNotFound, messageOf } from './engine-errors.js';
import { containerRunning } from './engine.js';

const MAX_READ_BYTES = 2 * 1024 * 1024;
/** How long the runner has to answer a kill (timeout, abort) before the host kills from outside and drops it. */
const AFTER_KILL_MS = 5000;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * What a write past the workspace quota prints (ENOSPC in C, Python, Node, Go, Rust, Java): only a failing command
 * whose output says so (or was cut) pays the `df` that tells which limit it hit, not every red test run.
 */
const NO_SPACE = /No space left on device|ENOSPC|Disk quota exceeded|os error 28|Errno 28/;

function execEnv(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).map(([name, value]) => {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name: ${name}`);
    if (typeof value !== 'string') throw new Error(`environment variable ${name} must be a string`);
    return `${name}=${value}`;
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Opens the runc sibling of a gVisor sandbox (same workspace and HOME volumes), for a networked setup. */
export type SiblingFactory = (of: string) => Promise<DockerSandbox>;

/**
 * A sandbox whose commands and file operations all go through one resident runner in the container (see
 * runner/script.ts). When a command kills the runner, its processes are ended and a new runner started.
 */
export class DockerSandbox implements Sandbox {
  readonly workdir = WORKDIR;
  private network: 'none' | 'setup' | 'detached' = 'none';
  /** The setup phase's way out (an allow-list proxy on an internal network), made on the first setNetwork(true). */
  private egress: Egress | undefined;
  private disposing: Promise<void> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private oomCount: number | null;
  /** Under gVisor, while the setup network is on: the runc sibling that runs the commands (setNetwork). */
  private sibling: DockerSandbox | undefined;
  /** What the egress proxies of closed siblings decided. */
  private siblingLog: NetworkDecision[] = [];

  constructor(
    readonly id: string,
    private readonly docker: Docker,
    private readonly container: Docker.Container,
    private readonly user: string,
    private readonly policy: SandboxPolicy,
    private client: RunnerClient,
    private readonly openSibling?: SiblingFactory,
  ) {
    this.oomCount = client.startOom;
  }

  /** Runs `fn` after every earlier command and file operation of this sandbox. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.disposing) return Promise.reject(new SandboxDisposedError());
    const run = () => {
      if (this.disposing) throw new SandboxDisposedError();
      return fn();
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Kills the sandbox user's processes from a separate exec, sparing the runner `except` (none: all). */
  private async killFromOutside(except: string): Promise<boolean> {
    try {
      const exec = await this.container.exec({
        Cmd: ['sh', '-c', KILL_SCRIPT, 'mimo-kill', except],
        User: this.user,
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({});
      stream.resume();
      await Promise.race([new Promise((r) => stream.once('end', r)), delay(AFTER_KILL_MS)]);
      return (await exec.inspect()).ExitCode === 0;
    } catch {
      return false; // e.g. a fork bomb holds every pid: no new process can start
    }
  }

  /** Ends whatever the lost runner left and starts a new one; SandboxLostError when the container stopped. */
  private async reopen(): Promise<void> {
    this.client.close();
    await this.killFromOutside('');
    try {
      this.client = await RunnerClient.start(this.docker, this.container, this.user);
    } catch (error) {
      const running = await containerRunning(this.container);
      if (!running) {
        // gVisor: past the memory or process limit the host's cgroup ends the sentry, so the whole sandbox.
        const why =
          this.policy.runtime === 'runsc'
            ? "; under gVisor a command past the sandbox's memory or process limit ends the whole sandbox"
            : '';
        // The engine's 409 "container … is not running" only repeats what `running` said.
        const said = isConflict(error) || isNotFound(error) ? '' : `: ${messageOf(error)}`;
        throw new SandboxLostError(`its init ended${said}${why}`);
      }
      throw error;
    }
    if (this.oomCount === null) this.oomCount = this.client.startOom;
  }

  /** One runner request; when the runner is gone before it, a new runner is started and the request retried. */
  private async request(request: RunnerRequest): Promise<RunnerReply> {
    if (this.client.lost) await this.reopen();
    try {
      return await this.client.request(request);
    } catch (error) {
      if (!(error instanceof RunnerLostError)) throw error;
      await this.reopen();
      return this.client.request(request);
    }
  }

  exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.serial(() =>
      this.sibling ? this.sibling.exec(command, options) : this.runCommand(command, options),
    );
  }

  private async runCommand(command: string | string[], options: ExecOptions): Promise<ExecResult> {
    const started = performance.now();
    options.signal?.throwIfAborted();
    const argv = typeof command === 'string' ? ['sh', '-c', command] : command;
    if (argv.length === 0) throw new Error('empty command');
    const timeoutMs = options.timeoutMs ?? this.policy.commandTimeoutMs;
    const max = options.maxOutputBytes ?? this.policy.maxOutputBytes;
    // While the setup network is on, commands reach the registries only through the egress proxy.
    const env = execEnv(
      this.network === 'setup' && this.egress ? { ...this.egress.env, ...options.env } : options.env,
    );
    const stdout = new CappedOutput(max);
    const stderr = new CappedOutput(max);
    const fields = [
      containerCwd(options.cwd),
      options.stdin !== undefined ? '1' : '0',
      String(env.length),
      ...env,
      ...argv,
    ];
    if (this.client.lost) await this.reopen();
    const client = this.client;
    const replying = client.request({
      op: 'x',
      fields,
      ...(options.stdin !== undefined ? { payload: Buffer.from(options.stdin, 'utf8') } : {}),
      onStdout: (d) => stdout.write(d),
      onStderr: (d) => stderr.write(d),
    });
    let stop: 'abort' | 'timeout' | undefined;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<void>((resolve) => {
      timer = setTimeout(() => ((stop = 'timeout'), resolve()), timeoutMs);
      onAbort = () => ((stop = 'abort'), resolve());
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    let reply: RunnerReply | undefined;
    let lost = false;
    let reopened = false;
    try {
      reply = await Promise.race([replying, stopped.then(() => undefined)]);
      if (!reply) reply = await this.killCommand(client, replying);
      // The command ended but something it started would not die one by one: the runner ends it with kill(-1).
      if (reply?.status === 'stray') await Promise.race([client.kill(), delay(AFTER_KILL_MS)]);
    } catch (error) {
      if (!(error instanceof RunnerLostError)) throw error;
      lost = true;
    } finally {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    }
    if (!reply) {
      replying.catch(() => undefined);
      lost = true;
      reopened = true;
      await this.reopen();
    } else if (reply.status === 'lost') lost = true; // it killed its watcher: the runner ended it, and lives on
    let oomKilled = false;
    const count = reply?.oom ?? this.client.startOom;
    if (count !== null) {
      oomKilled = this.oomCount !== null && count > this.oomCount;
      this.oomCount = count;
    }
    if (stop === 'abort') throw options.signal?.reason ?? new Error('aborted');
    const timedOut = reply?.status === 'timeout' || (lost && stop === 'timeout');
    const exitCode = lost || timedOut ? 137 : reply!.rc;
    if (lost && stop === undefined) {
      stderr.write(
        Buffer.from(
          `\n[mimo: the command killed the sandbox's runner; its processes were ended${reopened ? ' and a new runner started' : ''}]\n`,
        ),
      );
    }
    const result: ExecResult = {
      exitCode,
      stdout: stdout.text(),
      stderr: stderr.text(),
      timedOut,
      oomKilled,
      durationMs: Math.round(performance.now() - started),
      truncatedBytes: stdout.cutBytes + stderr.cutBytes,
      ...(lost && stop === undefined ? { runnerLost: true } : {}),
    };
    if (
      exitCode !== 0 &&
      !timedOut &&
      (result.truncatedBytes > 0 || NO_SPACE.test(result.stderr + result.stdout))
    ) {
      const quota = await this.quotaState();
      if (quota) result.quotaExceeded = quota;
    }
    return result;
  }

  /**
   * Ends a command past its timeout or aborted: the runner kills it (see runner/script.ts); a runner that does not
   * answer is dropped after the command's processes were killed from a separate exec. Resolves with the command's
   * reply (status `timeout` when the kill ended it), or undefined when the runner was dropped.
   */
  private async killCommand(
    client: RunnerClient,
    replying: Promise<RunnerReply>,
  ): Promise<RunnerReply | undefined> {
    const killed = client.kill().catch(() => undefined);
    const answered = await Promise.race([killed.then(() => true), delay(AFTER_KILL_MS).then(() => false)]);
    if (!answered) {
      await this.killFromOutside(client.pid);
      client.close();
      return undefined;
    }
    return replying;
  }

  /** Whether the workspace is full (bytes or files), asked after a failing command. */
  private async quotaState(): Promise<'disk' | 'files' | undefined> {
    const out: Buffer[] = [];
    const reply = await this.request({
      op: 'x',
      fields: [
        WORKDIR,
        '0',
        '0',
        'sh',
        '-c',
        'df -P . 2>/dev/null | tail -n 1; df -Pi . 2>/dev/null | tail -n 1',
      ],
      onStdout: (d) => out.push(d),
    }).catch(() => undefined);
    if (!reply || reply.rc !== 0) return undefined;
    const [bytes, inodes] = Buffer.concat(out).toString().trim().split('\n');
    const avail = (line?: string) => Number(line?.trim().split(/\s+/)[3]);
    if (avail(bytes) === 0) return 'disk';
    if (avail(inodes) === 0) return 'files';
    return undefined;
  }

  async readFile(path: string, options: { maxBytes?: number } = {}): Promise<Buffer | null> {
    const rel = workspaceRel(path);
    const max = options.maxBytes ?? MAX_READ_BYTES;
    return this.serial(async () => {
      let chunks: Buffer[] = [];
      let size = 0;
      const reply = await this.request({
        op: 'r',
        fields: [rel, String(Math.ceil((max + 1) / 65536))],
        onStdout: (d) => {
          if (size <= max) chunks.push(d);
          size += d.length;
        },
      });
      if (reply.status === 'missing') return null;
      if (reply.status !== 'ok') throw fileError(rel, reply.status);
      if (size > max) throw new SandboxFileError(rel, 'too-large');
      const body = Buffer.concat(chunks);
      chunks = [];
      return body;
    });
  }

  async writeFile(path: string, content: string | Buffer): Promise<void> {
    const rel = workspaceRel(path);
    if (rel === '.') throw new SandboxFileError(path, 'isdir');
    const payload = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    return this.serial(async () => {
      const reply = await this.request({ op: 'w', fields: [rel], payload });
      if (reply.status !== 'ok') throw fileError(rel, reply.status);
    });
  }

  async removeFile(path: string): Promise<void> {
    const rel = workspaceRel(path);
    return this.serial(async () => {
      const reply = await this.request({ op: 'd', fields: [rel] });
      if (reply.status !== 'ok' && reply.status !== 'missing') throw fileError(rel, reply.status);
    });
  }

  async statFile(path: string): Promise<FileKind> {
    const rel = workspaceRel(path);
    if (rel === '.') return 'dir';
    return this.serial(async () => {
      const reply = await this.request({ op: 's', fields: [rel] });
      const kind = fileKind(reply.status);
      if (!kind) throw fileError(rel, reply.status);
      return kind;
    });
  }

  async listFiles(path: string, options: { maxDepth: number; ignore: Iterable<string> }): Promise<string[]> {
    const rel = workspaceRel(path);
    return this.serial(async () => {
      const out = new CappedOutput(64 * 1024 * 1024);
      const reply = await this.request({
        op: 'l',
        fields: [rel, ...findArgs(options.maxDepth, options.ignore)],
        onStdout: (d) => out.write(d),
      });
      if (reply.status !== 'ok') return [];
      return parseFound(Buffer.concat([out.bytes().head, out.bytes().tail]), rel);
    });
  }

  async setNetwork(enabled: boolean): Promise<void> {
    if (this.disposing) throw new SandboxDisposedError();
    if (this.openSibling) return this.serial(() => this.siblingNetwork(enabled));
    if (enabled) {
      if (!this.policy.allowSetupNetwork) throw new NetworkNotAllowedError();
      if (this.network === 'setup') return;
      this.egress ??= await openEgress({
        docker: this.docker,
        image: runnerImageName(),
        allow: this.policy.egressAllow,
        labels: { 'dev.mimo.for': this.id },
      });
      // A container on `none` must leave it before joining another network.
      if (this.network === 'none') await this.docker.getNetwork('none').disconnect({ Container: this.id });
      await this.docker.getNetwork(this.egress.network).connect({ Container: this.id });
      this.network = 'setup';
    } else if (this.network === 'setup' && this.egress) {
      await this.docker.getNetwork(this.egress.network).disconnect({ Container: this.id, Force: true });
      this.network = 'detached';
    }
  }

  /**
   * gVisor (runsc --network=none) cannot join a network: the setup phase's commands run in a runc sibling on
   * the same workspace and HOME volumes, connected to the egress proxy; turning the network off removes it.
   */
  private async siblingNetwork(enabled: boolean): Promise<void> {
    if (enabled) {
      if (!this.policy.allowSetupNetwork) throw new NetworkNotAllowedError();
      if (this.sibling) return;
      const sibling = await this.openSibling!(this.id);
      try {
        await sibling.setNetwork(true);
      } catch (error) {
        await sibling.dispose().catch(() => undefined);
        throw error;
      }
      this.sibling = sibling;
      this.network = 'setup';
    } else if (this.sibling) {
      await this.closeSibling();
      this.network = 'detached';
    }
  }

  private async closeSibling(): Promise<void> {
    const sibling = this.sibling;
    this.sibling = undefined;
    if (!sibling) return;
    this.siblingLog.push(...(await sibling.networkLog().catch(() => [])));
    await sibling.dispose();
  }

  /** What the egress proxy allowed and refused during setup (empty when setup had no network). */
  async networkLog(): Promise<NetworkDecision[]> {
    const sibling = this.sibling ? await this.sibling.networkLog() : [];
    return [...this.siblingLog, ...sibling, ...(this.egress ? await this.egress.decisions() : [])];
  }

  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      await this.closeSibling().catch(() => undefined);
      this.client.close();
      await this.container.remove({ force: true, v: true }).catch(ignoreGone);
      await this.egress?.close();
    })();
    return this.disposing;
  }
}
