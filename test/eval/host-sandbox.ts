// A host-side Sandbox double for the harness's own tests: real pytest / node on the host, in the workspace copy,
// with the timeout and abort of the real sandbox (the whole process group is killed). Not a security boundary:
// the real Docker sandbox is exercised by eval-cli.test.ts.
import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult, Sandbox } from '../../src/sandbox/index.js';
import type { SandboxOpener } from '../../src/eval/index.js';

export class HostSandbox implements Sandbox {
  readonly workdir: string;
  constructor(
    readonly hostWorkspace: string,
    private readonly onDispose: () => void,
  ) {
    this.workdir = hostWorkspace;
  }

  exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const line = Array.isArray(command) ? command.join(' ') : command;
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', line], {
        cwd: this.hostWorkspace,
        detached: true,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: this.hostWorkspace,
          PYTHONDONTWRITEBYTECODE: '1',
          ...options.env,
        },
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      const kill = () => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs)
        : undefined;
      const onAbort = () => kill();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.stdin.end(options.stdin ?? '');
      child.on('close', (code) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (options.signal?.aborted) return reject(options.signal.reason ?? new Error('aborted'));
        resolve({
          exitCode: code ?? 137,
          stdout,
          stderr,
          timedOut,
          oomKilled: false,
          durationMs: Date.now() - started,
          truncatedBytes: 0,
        });
      });
    });
  }

  async setNetwork(): Promise<void> {}

  async dispose(): Promise<void> {
    this.onDispose();
  }
}

/** An opener that counts sandboxes: opened, disposed, and the most open at once (parallel lanes). */
export function hostOpener() {
  const stats = { opened: 0, disposed: 0, open: 0, maxOpen: 0, workspaces: [] as string[] };
  const open: SandboxOpener = async (workspace) => {
    stats.opened++;
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    stats.workspaces.push(workspace);
    return new HostSandbox(workspace, () => {
      stats.disposed++;
      stats.open--;
    });
  };
  return { open, stats };
}
