import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult, FileKind, Sandbox } from '../../src/sandbox/index.js';
import { HostFiles } from '../../src/tools/index.js';

/** File operations of a test double: on its host folder, with the refusals of HostFiles. */
export abstract class HostFolderFiles {
  constructor(readonly hostWorkspace: string) {}
  private files(): Promise<HostFiles> {
    return HostFiles.open(this.hostWorkspace);
  }
  async readFile(path: string, options?: { maxBytes?: number }): Promise<Buffer | null> {
    return (await this.files()).readFile(path, options);
  }
  async writeFile(path: string, content: string | Buffer): Promise<void> {
    return (await this.files()).writeFile(path, content);
  }
  async removeFile(path: string): Promise<void> {
    return (await this.files()).removeFile(path);
  }
  async statFile(path: string): Promise<FileKind> {
    return (await this.files()).statFile(path);
  }
  async listFiles(path: string, options: { maxDepth: number; ignore: Iterable<string> }): Promise<string[]> {
    return (await this.files()).listFiles(path, options);
  }
}

export type FakeHandler = (
  command: string,
  options: ExecOptions,
) => Promise<Partial<ExecResult>> | Partial<ExecResult>;

/** A Sandbox double for loop tests: commands go to a handler (e.g. a fake test suite reading the workspace). */
export class FakeSandbox extends HostFolderFiles implements Sandbox {
  readonly workdir = '/workspace';
  readonly commands: string[] = [];
  readonly network: boolean[] = [];
  disposed = false;

  constructor(
    hostWorkspace: string,
    private readonly handler: FakeHandler,
  ) {
    super(hostWorkspace);
  }

  async exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    const line = Array.isArray(command) ? command.join(' ') : command;
    this.commands.push(line);
    if (options.signal?.aborted) throw new Error('aborted');
    const result = await this.handler(line, options);
    return {
      exitCode: 0,
      stdout: '',
      stderr: '',
      timedOut: false,
      oomKilled: false,
      durationMs: 1,
      truncatedBytes: 0,
      ...result,
    };
  }

  async setNetwork(enabled: boolean): Promise<void> {
    this.network.push(enabled);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

/**
 * Runs commands on the host with `sh -c` in the workspace folder: for tests of fixers and scoring that need real
 * runners (pytest, python3, node) and their real output, without Docker. Not a security boundary.
 */
export class LocalSandbox extends HostFolderFiles implements Sandbox {
  readonly workdir: string;
  constructor(hostWorkspace: string) {
    super(hostWorkspace);
    this.workdir = hostWorkspace;
  }

  exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const [file, args] = Array.isArray(command) ? [command[0]!, command.slice(1)] : ['sh', ['-c', command]];
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        cwd: this.hostWorkspace,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...options.env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      if (options.stdin !== undefined) child.stdin.end(options.stdin);
      else child.stdin.end();
      child.on('close', (code) =>
        resolve({
          exitCode: code ?? 1,
          stdout,
          stderr,
          timedOut: false,
          oomKilled: false,
          durationMs: Date.now() - started,
          truncatedBytes: 0,
        }),
      );
    });
  }

  async setNetwork(): Promise<void> {}
  async dispose(): Promise<void> {}
}
