// The one way this organ runs git on the host: simple-git over the real binary, with the git dir outside the work
// tree, no system or global config, hooks and fsmonitor off, and credentials scoped to a single command.
import { simpleGit } from 'simple-git';
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

const GIT_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_CONFIG_KEY_1',
  'GIT_CONFIG_VALUE_1',
  'GIT_TERMINAL_PROMPT',
  'GIT_LITERAL_PATHSPECS',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
];

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
      return await this.client(options).raw(args);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const detail = redact(text, secrets).trim();
      if (options.signal?.aborted)
        throw new GitError(`git ${args[0] ?? ''} was stopped: the job was cancelled`, detail);
      throw new GitError(`git ${args[0] ?? ''} failed: ${detail}`, detail);
    }
  }

  private client(options: RunOptions) {
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
    return simpleGit({
      baseDir: this.options.dir,
      config: [...HARDENING_CONFIG],
      allowEnvironment: GIT_ENV,
      timeout: { block: this.options.idleTimeoutMs ?? 600_000 },
      ...(options.signal ? { abort: options.signal } : {}),
      // These "unsafe" switches only let simple-git pass OUR fixed hardening values and environment; no value from a
      // repository or a user reaches a config key or an option position.
      unsafe: {
        allowUnsafeHooksPath: true,
        allowUnsafeFsMonitor: true,
        allowUnsafeProtocolOverride: true,
        allowUnsafeConfigPaths: true,
        allowUnsafeConfigEnvCount: true,
      },
    }).env(env);
  }
}
