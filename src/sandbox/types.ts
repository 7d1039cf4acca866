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
}

export interface Sandbox {
  /** Host path of the bind-mounted workspace. */
  readonly hostWorkspace: string;
  /** Path of the workspace inside the sandbox. */
  readonly workdir: string;
  /**
   * Runs a shell command line (`sh -c`) or an argv inside the sandbox. Commands of one sandbox run one at a time
   * (concurrent calls queue), and no process a command started outlives it. Rejects with the signal's reason
   * when `signal` aborts (the command is killed first).
   */
  exec(command: string | string[], options?: ExecOptions): Promise<ExecResult>;
  /** Turns network access on (dependency install phase) or off (whenever tests run). */
  setNetwork(enabled: boolean): Promise<void>;
  /** Removes the container; safe to call twice. */
  dispose(): Promise<void>;
}
