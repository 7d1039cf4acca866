import type Docker from 'dockerode';
import { posix } from 'node:path';
import { Writable } from 'node:stream';
import { CappedOutput } from './output.js';
import { KILLER, OOM_READ, TRAILER, WRAPPER } from './scripts.js';
import type { ExecOptions, ExecResult } from './types.js';

/** Where the workspace is mounted inside the container. */
export const WORKDIR = '/workspace';
/** What an exec needs from its sandbox. */
export interface ExecContext {
  docker: Docker;
  container: Docker.Container;
  user: string;
  /** The OOM-kill counter of the container's memory cgroup as last seen. */
  oomCount: number;
  /** Kills and restarts the container: the last resort when processes cannot be killed from inside. */
  restart(): Promise<void>;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function execEnv(env: Record<string, string> | undefined): string[] {
  const entries = Object.entries(env ?? {});
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name)) throw new Error(`invalid environment variable name: ${name}`);
    if (typeof value !== 'string') throw new Error(`environment variable ${name} must be a string`);
  }
  return entries.map(([k, v]) => `${k}=${v}`);
}

/** The working directory inside the container; never outside the workspace. */
export function containerCwd(cwd: string | undefined): string {
  const dir = posix.resolve(WORKDIR, cwd ?? '.');
  if (dir !== WORKDIR && !dir.startsWith(`${WORKDIR}/`))
    throw new Error(`cwd ${cwd} is outside the workspace`);
  return dir;
}

class Sink extends Writable {
  constructor(private readonly out: CappedOutput) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.out.write(chunk);
    done();
  }
}

async function execOnce(
  ctx: ExecContext,
  cmd: string[],
  env: string[],
): Promise<{ code: number; stdout: string }> {
  const exec = await ctx.container.exec({
    Cmd: cmd,
    Env: env,
    User: ctx.user,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: false, stdin: false });
  const out = new CappedOutput(64 * 1024);
  ctx.docker.modem.demuxStream(stream, new Sink(out), new Sink(new CappedOutput(0)));
  await new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  return { code: (await finishedExitCode(exec)) ?? -1, stdout: out.text() };
}

async function finishedExitCode(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await exec.inspect();
    if (!info.Running) return info.ExitCode;
    await new Promise((r) => setTimeout(r, attempt < 10 ? 2 : 20));
  }
  return null;
}

/** Reads the OOM-kill counter with a separate exec (used when the wrapper's trailer is missing). */
async function readOomCount(ctx: ExecContext): Promise<number | null> {
  try {
    const r = await execOnce(ctx, ['sh', '-c', `${OOM_READ}\nprintf '%s' "$n"`], []);
    return /^\d+$/.test(r.stdout) ? Number(r.stdout) : null;
  } catch {
    return null;
  }
}

/** Kills the exec's whole process tree; restarts the container when that cannot be done from inside. */
async function killTree(ctx: ExecContext, ended: Promise<void>): Promise<boolean> {
  let killed: boolean;
  try {
    const killer = execOnce(ctx, ['sh', '-c', KILLER], []).then((r) => r.code === 0);
    killed = await Promise.race([killer, new Promise<boolean>((r) => setTimeout(r, 5000, false).unref())]);
  } catch {
    killed = false; // e.g. the pids limit is exhausted by a fork bomb: no new process can start
  }
  const closed = await Promise.race([
    ended.then(() => true),
    new Promise<boolean>((r) => setTimeout(r, 2000, false).unref()),
  ]);
  if (killed && closed) return false;
  await ctx.restart();
  return true;
}

/** Runs one command in the container under the limits of `options`. */
export async function runExec(
  ctx: ExecContext,
  command: string | string[],
  options: ExecOptions & { timeoutMs: number; maxOutputBytes: number },
): Promise<ExecResult> {
  const started = performance.now();
  options.signal?.throwIfAborted();
  const argv = typeof command === 'string' ? ['sh', '-c', command] : command;
  if (argv.length === 0) throw new Error('empty command');
  const withStdin = options.stdin !== undefined;
  const exec = await ctx.container.exec({
    Cmd: ['sh', '-c', WRAPPER, 'mimo-exec', ...argv],
    Env: execEnv(options.env),
    WorkingDir: containerCwd(options.cwd),
    User: ctx.user,
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: withStdin, stdin: withStdin })) as NodeJS.ReadWriteStream;
  const stdout = new CappedOutput(options.maxOutputBytes);
  const stderr = new CappedOutput(options.maxOutputBytes);
  ctx.docker.modem.demuxStream(stream, new Sink(stdout), new Sink(stderr));
  const ended = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  if (options.stdin !== undefined) stream.end(options.stdin);

  let stop: 'timeout' | 'abort' | undefined;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      stop = 'timeout';
      resolve();
    }, options.timeoutMs);
    onAbort = () => {
      stop = 'abort';
      resolve();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
  });
  await Promise.race([ended, stopped]);
  clearTimeout(timer);
  if (onAbort) options.signal?.removeEventListener('abort', onAbort);

  let restarted = false;
  if (stop) {
    restarted = await killTree(ctx, ended);
    (stream as unknown as { destroy?: () => void }).destroy?.();
  }
  // The exit code comes from the engine, never from the trailer: output is the command's to forge.
  const taken = stderr.takeTrailer(TRAILER); // always off the output, but only trusted when the command ended
  const trailer = stop ? null : taken;
  const exitCode = restarted || stop ? 137 : ((await finishedExitCode(exec)) ?? 137);
  let oomKilled = false;
  let count: number | null = trailer?.[2] ? Number(trailer[2]) : null;
  if (restarted) {
    ctx.oomCount = 0; // a restarted container has a new memory cgroup
  } else {
    if (count === null && !trailer) count = await readOomCount(ctx);
    if (count !== null) {
      oomKilled = count > ctx.oomCount;
      ctx.oomCount = count;
    }
  }
  // (Only now: the OOM counter is brought up to date first, so the next command is not blamed for this one.)
  if (stop === 'abort') throw options.signal?.reason ?? new Error('aborted');
  return {
    exitCode,
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut: stop === 'timeout',
    oomKilled,
    durationMs: Math.round(performance.now() - started),
    truncatedBytes: stdout.cutBytes + stderr.cutBytes,
  };
}
