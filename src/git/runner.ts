// The one way this organ runs git on the host: the real binary spawned directly, with the git dir outside the work
// tree, no system or global config, hooks and fsmonitor off, and credentials scoped to a single command.
import { spawn } from 'node:child_process';
import { GitError } from './errors.js';
import { authorizationHeader, redact, secretForms } from './redact.js';
import { processEnv } from '../config/index.js';

/**
 * Configuration given on every command line. Command-line config outranks the repository's own config, so even a
 * `core.hooksPath`, `core.fsmonitor` or filter written into the git dir could not make host-side git run code.
 */
export const HARDENING_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'core.untrackedCache=false',
  // Check symlinks out as symlinks (what the tests expect); git never writes through a symlinked directory itself.
  'core.symlinks=true',
  // Refuse tree entries that alias `.git` on other file systems (`.GIT`, `git~1`, ignorable Unicode).
  'core.protectNTFS=true',
  'core.protectHFS=true',
  // Only the transports we use; `ext::` and friends stay off whatever a URL says.
  'protocol.allow=never',
  'protocol.https.allow=always',
  'protocol.http.allow=always',
  'protocol.file.allow=user',
  // A redirect must not carry the Authorization header to another host.
  'http.followRedirects=false',
  'fetch.recurseSubmodules=false',
  'submodule.recurse=false',
  // No background `gc --auto` / maintenance processes on the host.
  'gc.auto=0',
  'maintenance.auto=false',
  'commit.gpgSign=false',
  'advice.detachedHead=false',
];

/** Variables passed through from the host environment (proxies and CA bundles for HTTPS); nothing GIT_*. */
const PASS_THROUGH = [
  'PATH',
  'HOME',
  'TMPDIR',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
];

/** Most output any git command of ours may print (a large repository's ls-tree or diff), within V8's string limit. */
const MAX_OUTPUT = 256 * 1024 * 1024;
/** How long the pipes may stay open after git exited (held by a child git left, e.g. a killed fetch's helper). */
const AFTER_EXIT_MS = 100;

export interface RunOptions {
  /** Installation token for this one command: sent as an HTTP header, never written anywhere. */
  token?: string;
  /** Extra GIT_* variables (author identity, a temporary index). */
  env?: Record<string, string>;
  /** Kills git when aborted (e.g. the job's Budget.signal at its wall-time limit). */
  signal?: AbortSignal;
}

export interface GitRunnerOptions {
  dir: string;
  gitDir: string;
  /** Kill git when it prints nothing for this long (default 10 minutes). */
  idleTimeoutMs?: number;
}

export class GitRunner {
  constructor(private readonly options: GitRunnerOptions) {}

  /** Runs `git <args>` and returns stdout; a failure becomes a GitError whose text has every credential redacted. */
  async run(args: string[], options: RunOptions = {}): Promise<string> {
    const secrets = secretForms(options.token);
    try {
      return await this.spawn(args, options);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const detail = redact(text, secrets).trim();
      if (options.signal?.aborted)
        throw new GitError(`git ${args[0] ?? ''} was stopped: the job was cancelled`, detail);
      throw new GitError(`git ${args[0] ?? ''} failed: ${detail}`, detail);
    }
  }

  /**
   * One git process: `-c` hardening before the command, our environment only (nothing inherited), no stdin, killed
   * when aborted or silent for the idle timeout. Settles when its pipes close, or shortly after git exits when a
   * child it left behind (a killed fetch's remote helper) still holds them. Rejects with git's own stderr.
   */
  private spawn(args: string[], options: RunOptions): Promise<string> {
    const config = HARDENING_CONFIG.flatMap((entry) => ['-c', entry]);
    const idleMs = this.options.idleTimeoutMs ?? 600_000;
    return new Promise((resolve, reject) => {
      const child = spawn('git', [...config, ...args], {
        cwd: this.options.dir,
        env: this.environment(options),
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let size = 0;
      let why = '';
      let settled = false;
      function stop(reason: string) {
        why ||= reason;
        child.kill('SIGKILL');
      }
      const idle = () => setTimeout(() => stop(`no output for ${idleMs} ms, stopped`), idleMs);
      let timer = idle();
      const take = (into: Buffer[]) => (chunk: Buffer) => {
        clearTimeout(timer);
        timer = idle();
        size += chunk.length;
        if (size > MAX_OUTPUT) return stop(`printed more than ${MAX_OUTPUT} bytes, stopped`);
        into.push(chunk);
      };
      child.stdout.on('data', take(out));
      child.stderr.on('data', take(err));
      const settle = (code: number | null, error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.stdout.destroy();
        child.stderr.destroy();
        const stdout = Buffer.concat(out).toString('utf8');
        const said = Buffer.concat(err).toString('utf8').trim() || stdout.trim();
        if (code === 0 && !why && !error) return resolve(stdout);
        // Our own reason (idle, too much output, spawn error) comes first; otherwise git's words, else its exit.
        const ours = why || error?.message;
        if (ours) return reject(new Error(said ? `${ours}. ${said}` : ours));
        reject(new Error(said || (code === null ? 'killed' : `exit code ${code}`)));
      };
      child.on('error', (error) => settle(null, error));
      child.on('close', (code) => settle(code));
      child.on('exit', (code) => setTimeout(() => settle(code), AFTER_EXIT_MS).unref());
    });
  }

  private environment(options: RunOptions): Record<string, string> {
    const env: Record<string, string> = {};
    const host = processEnv();
    for (const key of PASS_THROUGH) {
      const value = host[key];
      if (value !== undefined) env[key] = value;
    }
    Object.assign(env, {
      LC_ALL: 'C',
      LANGUAGE: 'C',
      GIT_DIR: this.options.gitDir,
      GIT_WORK_TREE: this.options.dir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_LITERAL_PATHSPECS: '1',
      ...options.env,
    });
    if (options.token) {
      // Environment-scoped config (same precedence as `-c`) keeps the header out of the process table, where any
      // local user could read a command line; the empty first value clears any http.extraHeader configured before.
      Object.assign(env, {
        GIT_CONFIG_COUNT: '2',
        GIT_CONFIG_KEY_0: 'http.extraHeader',
        GIT_CONFIG_VALUE_0: '',
        GIT_CONFIG_KEY_1: 'http.extraHeader',
        GIT_CONFIG_VALUE_1: authorizationHeader(options.token),
      });
    }
    return env;
  }
}
