// Shared helpers for the queue tests: bounded waits, a gate a handler can be held on, the crash child, redis-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Polls `condition` until it holds; throws naming `what` if it never does within the bound. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  boundMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A promise the test resolves by hand. */
export interface Gate {
  promise: Promise<void>;
  open(): void;
}
export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves when `signal` aborts (used by handlers that run until cancelled). */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** What the crash child needs to open the same queue as the test (passed as JSON on argv). */
export interface ChildQueueConfig {
  redisUrl?: string;
  sqlitePath?: string;
  queueName?: string;
  prefix?: string;
  pollMs: number;
  leaseMs: number;
  heartbeatMs: number;
}

/**
 * A worker process on the real compiled dist/jobs: in `hang` mode it claims one job and hangs until it is
 * SIGKILLed; in `run` mode it runs every job it gets (concurrency 2) and reports each in `ran`.
 */
export class CrashChild {
  readonly started: { id: string; attempts: number }[] = [];
  readonly ran: string[] = [];
  ready = false;
  private readonly child: ChildProcess;
  private stderr = '';
  private exited = false;

  constructor(config: ChildQueueConfig, mode: 'hang' | 'run' = 'hang') {
    this.child = spawn(process.execPath, [join(here, 'crash-child.mjs'), JSON.stringify(config), mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffer = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const match = /^started (\S+) (\d+)$/.exec(line);
        if (match) this.started.push({ id: match[1]!, attempts: Number(match[2]) });
        if (line === 'ready') this.ready = true;
        const ran = /^ran (\S+)$/.exec(line);
        if (ran) this.ran.push(ran[1]!);
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.on('exit', () => (this.exited = true));
  }

  /** Waits until the child is running a job, then kills it without any chance to clean up. */
  async crashMidJob(): Promise<{ id: string; attempts: number }> {
    await waitFor(`the crash child to start a job (stderr: ${this.stderr})`, () => {
      if (this.exited) throw new Error(`crash child exited early: ${this.stderr}`);
      return this.started.length > 0;
    });
    await this.kill();
    return this.started[0]!;
  }

  /** What the child wrote on stderr (queue errors). */
  get errors(): string {
    return this.stderr;
  }

  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await gone;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A real, throwaway redis-server on a free loopback port (no persistence). */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const port = await freePort();
    const child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    let exited = false;
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', () => (exited = true));
    await waitFor('redis-server to accept connections', () => {
      if (exited) throw new Error(`redis-server exited: ${output}`);
      return output.includes('Ready to accept connections');
    });
    return new RedisServer(child, `redis://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await gone;
  }
}
