/** The security boundary: where the repository's code and the model's edits run. */

export interface ExecOptions {
  /** Working directory relative to the workspace root (default: the root). */
  cwd?: string;
  /** The whole environment of the command besides a minimal PATH/HOME: never the host's. */
  env?: Record<string, string>;
  /** Wall-clock limit; on expiry the whole process tree is killed and `timedOut` is true. */
  timeoutMs?: number;
  /** Bytes of stdout and of stderr kept (head and tail); the rest is cut and counted. */
  maxOutputBytes?: number;
  /** Text written to the command's standard input. */
  stdin?: string;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  oomKilled: boolean;
  durationMs: number;
  /** Bytes dropped from the middle of stdout + stderr by the output cap (0 when nothing was cut). */
  truncatedBytes: number;
  /**
   * Set when the command killed the sandbox's runner: its processes were ended and a new runner started (the
   * result's exit code is then 137 and stderr says so).
   */
  runnerLost?: boolean;
  /** Set when the command failed with the workspace full: `disk` (sandbox.diskMb) or `files` (file count). */
  quotaExceeded?: 'disk' | 'files';
}

/** What a path in the workspace is (`lstat` semantics: a symlink is reported as such, never followed). */
export type FileKind = 'file' | 'dir' | 'symlink' | 'special' | 'missing';

/**
 * File operations on the sandbox's own workspace, done inside the sandbox (no host path is shared with its
 * processes). Paths are relative to the workspace; `..`, absolute paths and symlinks leading out are refused
 * with SandboxFileError, and a symlink as the last component is never followed.
 */
export interface SandboxFiles {
  /** The file's bytes, or null when it does not exist; SandboxFileError `too-large` past `maxBytes` (2 MiB). */
  readFile(path: string, options?: { maxBytes?: number }): Promise<Buffer | null>;
  /** Creates or replaces a file (parent folders created). */
  writeFile(path: string, content: string | Buffer): Promise<void>;
  /** Removes a file; nothing happens when it does not exist. */
  removeFile(path: string): Promise<void>;
  statFile(path: string): Promise<FileKind>;
  /** Regular files under a folder (recursive, not following symlinks), skipping folders named in `ignore`. */
  listFiles(path: string, options: { maxDepth: number; ignore: Iterable<string> }): Promise<string[]>;
}

/** One connection attempt of the setup phase, as the egress proxy judged it. */
export interface NetworkDecision {
  ts: string;
  allow: boolean;
  method: string;
  host: string;
  port: number;
  reason?: string;
}

export interface Sandbox extends SandboxFiles {
  /** Path of the workspace inside the sandbox. */
  readonly workdir: string;
  /**
   * Runs a shell command line (`sh -c`) or an argv inside the sandbox. Commands of one sandbox run one at a time
   * (concurrent calls queue), and no process a command started outlives it. Rejects with the signal's reason
   * when `signal` aborts (the command is killed first).
   */
  exec(command: string | string[], options?: ExecOptions): Promise<ExecResult>;
  /**
   * Turns network access on (dependency install phase: only the allow-listed registries, through the egress
   * proxy) or off (whenever tests run).
   */
  setNetwork(enabled: boolean): Promise<void>;
  /** The egress proxy's decisions so far (allowed and refused connections); absent where there is no proxy. */
  networkLog?(): Promise<NetworkDecision[]>;
  /** Removes the container; safe to call twice. */
  dispose(): Promise<void>;
}
