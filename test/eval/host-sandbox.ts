// A host-side Sandbox double for the harness's own tests: real pytest / node on the host, in the workspace copy,
// with the timeout and abort of the real sandbox (the whole process group is killed). Not a security boundary:
// the real Docker sandbox is exercised by eval-cli.test.ts.
import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult, Sandbox } from '../../src/sandbox/index.js';
import type { SandboxRunner } from '../../src/eval/index.js';
import { Workspace } from '../../src/tools/index.js';
import { HostFolderFiles } from '../helpers/fake-sandbox.js';

// File operations on the host folder, with HostFiles' refusals (paths out of it, symlinks leading out).
export class HostSandbox extends HostFolderFiles implements Sandbox {
  readonly workdir: string;
  constructor(
    hostWorkspace: string,
    private readonly onDispose: () => void,
  ) {
    super(hostWorkspace);
    this.workdir = hostWorkspace;
  }

  exec(command: string | string[], options: ExecOptions = {}): Promise<ExecResult> {
    const started = Date.now();
    const [file, args] = Array.isArray(command) ? [command[0]!, command.slice(1)] : ['sh', ['-c', command]];
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
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
      child.stdin.on('error', () => undefined); // a command killed before reading its input
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

/**
 * A host-side runner of the same shape as sandbox/run.ts's runSandboxed (setup, body, always dispose) that counts
 * sandboxes: opened, disposed, the most open at once (parallel lanes), and the workspaces they were opened on.
 */
export function hostRunner() {
  const stats = {
    opened: 0,
    disposed: 0,
    open: 0,
    maxOpen: 0,
    workspaces: [] as string[],
    setups: [] as string[],
  };
  const run: SandboxRunner = async (options, body) => {
    options.signal?.throwIfAborted();
    stats.opened++;
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    stats.workspaces.push(options.workspace);
    const sandbox = new HostSandbox(options.workspace, () => undefined);
    try {
      if (options.setup) {
        stats.setups.push(options.setup.command);
        await sandbox.exec(options.setup.command, { signal: options.signal });
      }
      return await body({ sandbox, workspace: Workspace.of(sandbox) });
    } finally {
      stats.disposed++;
      stats.open--;
    }
  };
  return { run, stats };
}
