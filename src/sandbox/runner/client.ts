import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { RunnerLostError } from '../errors.js';
import { isNotFound } from '../engine-errors.js';
import { encodeRequest, FrameScanner } from './frames.js';
import { RUNNER_SCRIPT } from './script.js';

/** What the runner answered to one request. */
export interface RunnerReply {
  /** `ok`, `timeout`, or why a file operation was refused (`missing`, `isdir`, `symlink`, `outside`, …). */
  status: string;
  rc: number;
  /** The container's OOM-kill counter after the request (null when the cgroup does not show it). */
  oom: number | null;
}

export interface RunnerRequest {
  op: string;
  fields: string[];
  payload?: Buffer;
  /** Bytes sent raw after the request (the workspace upload), not line-escaped. */
  raw?: Buffer;
  onStdout?: (data: Buffer) => void;
  onStderr?: (data: Buffer) => void;
}

interface Pending {
  id: string;
  request: RunnerRequest;
  reply?: RunnerReply;
  /** The command's watcher died without a reply (the command killed it): a kill ends it as `lost`. */
  watcherGone?: boolean;
  stderrDone: boolean;
  resolve: (reply: RunnerReply) => void;
  reject: (error: Error) => void;
}

class Sink extends Writable {
  constructor(private readonly scanner: FrameScanner) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.scanner.push(chunk);
    done();
  }
}

const READY_TIMEOUT_MS = 15_000;
const WATCH_INTERVAL_MS = 1000;

/**
 * The host's end of one resident runner: one exec whose attached stream carries every request and reply.
 * Requests are sent one at a time (the caller queues). When the runner dies (killed by a command, its input
 * tampered with), every pending and later request rejects with RunnerLostError: open a new client.
 */
export class RunnerClient {
  private pending: Pending | null = null;
  /** A `k` request in flight: kill the running command (timeout, abort). */
  private control: Pending | null = null;
  /** A `q` request in flight: does the command's watcher still live? */
  private probe: Pending | null = null;
  /** The command a `k` ended before its stderr frame came: that late frame is expected, not tampering. */
  private endedEarly: string | null = null;
  private lostReason: string | null = null;
  private watch: NodeJS.Timeout | undefined;
  private ready: ((line: string) => void) | null = null;

  private constructor(
    private readonly stream: NodeJS.ReadWriteStream,
    private readonly exec: Docker.Exec,
    private readonly nonce: string,
  ) {}

  /** The runner's pid inside the container (never killed by the sweeps of its commands). */
  pid = '';
  /** Whether the runner can take the workspace as a raw tar (`u`: the image has head, tar and cat). */
  canUpload = false;
  /** The container's OOM-kill counter when the runner started. */
  startOom: number | null = null;

  static async start(docker: Docker, container: Docker.Container, user: string): Promise<RunnerClient> {
    const exec = await container.exec({
      Cmd: ['sh', '-c', RUNNER_SCRIPT, 'mimo-runner'],
      User: user,
      WorkingDir: '/workspace',
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as NodeJS.ReadWriteStream;
    const nonce = randomBytes(16).toString('hex');
    const client = new RunnerClient(stream, exec, nonce);
    const marker = Buffer.from(`\x1eM${nonce} `, 'latin1');
    const out = new FrameScanner(
      marker,
      (d) => client.pending?.request.onStdout?.(d),
      (line) => client.onStdoutFrame(line),
    );
    const err = new FrameScanner(
      marker,
      (d) => client.pending?.request.onStderr?.(d),
      (line) => client.onStderrFrame(line),
    );
    docker.modem.demuxStream(stream, new Sink(out), new Sink(err));
    const gone = () => client.lose('the runner process ended');
    stream.once('end', gone);
    stream.once('close', gone);
    stream.once('error', gone);
    const readyLine = new Promise<string>((resolve, reject) => {
      client.ready = resolve;
      const timer = setTimeout(
        () => reject(new RunnerLostError('the runner did not start')),
        READY_TIMEOUT_MS,
      );
      timer.unref();
      stream.once('close', () => reject(new RunnerLostError('the runner did not start (no /bin/sh?)')));
    });
    stream.write(`${nonce}\n`);
    const [, pid, oom, upload] = (await readyLine).split(' ');
    client.canUpload = upload === '1';
    client.pid = pid ?? '';
    client.startOom = oom ? Number(oom) : null;
    return client;
  }

  get lost(): string | null {
    return this.lostReason;
  }

  /** Sends one request and resolves with the runner's reply; only one request is in flight at a time. */
  request(request: RunnerRequest): Promise<RunnerReply> {
    if (this.lostReason) return Promise.reject(new RunnerLostError(this.lostReason));
    if (this.pending) return Promise.reject(new Error('runner: one request at a time'));
    return this.send(request, (p) => {
      this.pending = p;
      this.watch = setInterval(() => void this.checkAlive(), WATCH_INTERVAL_MS);
      this.watch.unref();
    });
  }

  /** Writes a request with a fresh id, once `place` has put its Pending where its reply frames will find it. */
  private send(request: RunnerRequest, place: (p: Pending) => void): Promise<RunnerReply> {
    const id = randomBytes(8).toString('hex');
    return new Promise<RunnerReply>((resolve, reject) => {
      place({ id, request, stderrDone: false, resolve, reject });
      this.stream.write(encodeRequest(request.op, id, request.fields, request.payload));
      if (request.raw) this.stream.write(request.raw);
    });
  }

  /**
   * Kills the command in flight and everything it started (a timeout or abort): the runner, which waits on its
   * input while a command runs, ends every other process of the user. The command's request then resolves with
   * its own reply when that came first, else with status `timeout`.
   */
  kill(): Promise<RunnerReply> {
    if (this.lostReason) return Promise.reject(new RunnerLostError(this.lostReason));
    if (this.control) return Promise.reject(new Error('runner: one kill at a time'));
    return this.send({ op: 'k', fields: [] }, (p) => (this.control = p));
  }

  /** Ends the runner (its input closes, so it leaves its loop). */
  close(): void {
    this.lose('closed');
    this.stream.end();
    (this.stream as unknown as { destroy?: () => void }).destroy?.();
  }

  /**
   * A command's reply comes from its watcher subshell; a command can kill that (it is its parent). When the runner
   * says no watcher lives and no reply came, the command's processes are killed and its request ends as `lost`.
   */
  private async probeWatcher(): Promise<void> {
    const p = this.pending;
    if (!p || p.request.op !== 'x' || p.reply || this.probe || this.control || this.lostReason) return;
    const answer = await this.send({ op: 'q', fields: [] }, (q) => (this.probe = q));
    if (answer.status !== 'idle' || this.pending !== p || p.reply) return;
    p.watcherGone = true;
    await this.kill();
  }

  private async checkAlive(): Promise<void> {
    try {
      const info = await this.exec.inspect();
      if (!info.Running) this.lose(`the runner process ended (exit code ${info.ExitCode ?? 'unknown'})`);
      else await this.probeWatcher();
    } catch (error) {
      this.lose(isNotFound(error) ? 'the container is gone' : `the engine did not answer: ${String(error)}`);
    }
  }

  private onStdoutFrame(line: string): void {
    const [id, status, rc, oom] = line.split(' ');
    if (id === 'ready' && this.ready) {
      this.ready(line);
      this.ready = null;
      return;
    }
    const p = this.ask(id);
    if (!p) return this.lose('a reply the host did not ask for (the runner input was tampered with)');
    p.reply = { status: status ?? 'bad', rc: Number(rc), oom: oom && /^\d+$/.test(oom) ? Number(oom) : null };
    this.settle();
  }

  /** The request a frame with this id answers. */
  private ask(id: string | undefined): Pending | null {
    if (this.pending && id === this.pending.id) return this.pending;
    if (this.control && id === this.control.id) return this.control;
    if (this.probe && id === this.probe.id) return this.probe;
    return null;
  }

  private onStderrFrame(line: string): void {
    if (this.endedEarly !== null && line === this.endedEarly) {
      this.endedEarly = null;
      return;
    }
    const p = this.ask(line);
    if (!p) return this.lose('a reply the host did not ask for (the runner input was tampered with)');
    p.stderrDone = true;
    this.settle();
  }

  private settle(): void {
    const p = this.pending;
    if (p?.reply && p.stderrDone) {
      this.pending = null;
      clearInterval(this.watch);
      p.resolve(p.reply);
    }
    const q = this.probe;
    if (q?.reply && q.stderrDone) {
      this.probe = null;
      q.resolve(q.reply);
    }
    const k = this.control;
    if (!k?.reply || !k.stderrDone) return;
    this.control = null;
    const killed = this.pending;
    if (killed) {
      // Everything of the command is dead: its stdout frame, when it came, is its reply; its stderr frame may
      // still be on the way.
      this.pending = null;
      clearInterval(this.watch);
      if (!killed.stderrDone && killed.reply) this.endedEarly = killed.id;
      const status = killed.watcherGone ? 'lost' : 'timeout';
      killed.resolve(killed.reply ?? { status, rc: 137, oom: k.reply.oom });
    }
    k.resolve(k.reply);
  }

  private lose(reason: string): void {
    if (this.lostReason) return;
    this.lostReason = reason;
    clearInterval(this.watch);
    const p = this.pending;
    const k = this.control;
    const q = this.probe;
    this.pending = null;
    this.control = null;
    this.probe = null;
    p?.reject(new RunnerLostError(reason));
    k?.reject(new RunnerLostError(reason));
    q?.reject(new RunnerLostError(reason));
    (this.stream as unknown as { destroy?: () => void }).destroy?.();
  }
}
