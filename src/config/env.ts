import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import type { z } from 'zod';
import { envSchema, GITHUB_MAX_PAYLOAD_BYTES, type ParsedEnv } from './env-schema.js';

/**
 * The process environment, read once: every variable mimo-code (and the Probot server it runs in) honours is
 * checked here (schema: env-schema.ts) into one typed object that is passed down, in the style of probot's
 * `readEnvOptions`. A malformed value is an `EnvError` naming the variable, at start-up, instead of a surprise in
 * the middle of a job. This module is the only one in src/ that touches `process.env`.
 */

export type EnvSource = Record<string, string | undefined>;

/** An environment variable has a value mimo-code cannot use; the message names it and says what is expected. */
export class EnvError extends Error {
  override name = 'EnvError';
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
  }
}

/** Operator ceilings set in the environment (MIMO_MAX_*); unset ones take the host-derived defaults. */
export interface CeilingOverrides {
  /** MIMO_SANDBOX_RUNTIME: the operator's runtime; `runsc` is a floor a repository cannot lower. */
  runtime?: 'runc' | 'runsc';
  memoryMb?: number;
  pids?: number;
  cpus?: number;
  diskMb?: number;
  commandSeconds?: number;
  iterations?: number;
  costUsd?: number;
}

/** The webhook inbox's, triage's and recovery's limits (docs/queue.md). */
export interface InboxSettings {
  /** MIMO_WEBHOOK_MAX_BYTES: largest body accepted (default GitHub's 25 MB cap; never above it). */
  maxBytes: number;
  /** MIMO_WEBHOOK_INFLIGHT_BYTES: bytes of all bodies being read at once (default 100 MB, at least maxBytes). */
  maxInflightBytes: number;
  /** MIMO_INBOX_MAX_PENDING: deliveries waiting for triage at most (default 10000). */
  maxPending: number;
  /** MIMO_INBOX_MAX_AGE_SECONDS: a delivery still waiting after this long is expired, not triaged (default 1 day). */
  maxAgeMs: number;
  /** MIMO_INBOX_RETENTION_DAYS: finished deliveries (and their decisions) are kept this long (default 7). */
  retentionMs: number;
  /** MIMO_TRIAGE_CONCURRENCY: deliveries triaged at once per process (default 8). */
  triageConcurrency: number;
  /** MIMO_TRIAGE_ATTEMPTS: tries per delivery on retryable GitHub errors (default 6). */
  triageAttempts: number;
  /** MIMO_TRIAGE_BACKOFF_MS: first retry delay, doubled per attempt up to 5 minutes (default 2000). */
  backoffMs: number;
  /** MIMO_RECOVERY_WINDOW_HOURS: how far back recovery looks for failed deliveries; 0 turns it off (default 24). */
  recoveryWindowMs: number;
  /** MIMO_RECOVERY_INTERVAL_SECONDS: time between recovery scans (default 600; the first runs at start). */
  recoveryIntervalMs: number;
}

/** What the app reads from its environment, typed and checked. */
export interface MimoEnv {
  github: {
    appId?: number;
    privateKey?: string;
    privateKeyPath?: string;
    webhookSecret?: string;
    webhookProxyUrl?: string;
    /** `https://ghe.example/api/v3` for GitHub Enterprise Server (GHE_HOST, GHE_PROTOCOL); undefined for github.com. */
    apiBaseUrl?: string;
  };
  production: boolean;
  http: { port: number; host: string };
  logLevel: ParsedEnv['LOG_LEVEL'];
  /** Model keys and pricing, for `createModel`: they stay in this process and never enter a sandbox. */
  models: EnvSource;
  /** Default model when a repository names none. */
  defaultModel?: string;
  dockerHost?: string;
  /** `prefix`: the Redis keys' prefix (default `mimo`), so installations can share one Redis. */
  queue: { redisUrl?: string; sqlitePath?: string; prefix?: string };
  workDir?: string;
  embeddedWorker: boolean;
  concurrency: number;
  /** Started sandboxes kept waiting per container shape for the next job (MIMO_SANDBOX_POOL, default 0: none). */
  sandboxPool: number;
  /** MIMO_ALLOW_UNLIMITED_ENGINE: run sandboxes on an engine that cannot enforce their memory, pids and CPU limits. */
  allowUnlimitedEngine: boolean;
  /** The git object cache: where (MIMO_GIT_CACHE_DIR, default `<work dir>/git-cache`) and how big (MIMO_GIT_CACHE_MB, 0: off). */
  gitCache: { dir?: string; maxBytes: number };
  extraCaDir: string;
  debianMirror: string;
  ceilings: CeilingOverrides;
  inbox: InboxSettings;
  web: {
    /** The app's public URL (MIMO_PUBLIC_URL): run-page links in check runs and PRs need it. */
    publicUrl?: string;
    /** The capability links' HMAC key (MIMO_RUNS_SECRET; the web organ derives one from WEBHOOK_SECRET without it). */
    runsSecret?: string;
    /** Where the run pages' records live (MIMO_RUNS_DIR, default `data/runs`). */
    runsDir: string;
    /** When set, `/metrics` needs `Authorization: Bearer <token>` (MIMO_METRICS_TOKEN). */
    metricsToken?: string;
  };
}

function describe(issue: z.core.$ZodIssue): EnvError {
  const variable = String(issue.path[0] ?? '(environment)');
  return new EnvError(`${variable}: ${issue.message.replace(/^Invalid input: /, '')}`, variable);
}

/** Only the keys whose value is defined (exactOptionalPropertyTypes). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

function inboxFrom(e: ParsedEnv): InboxSettings {
  const maxBytes = Math.min(e.MIMO_WEBHOOK_MAX_BYTES ?? GITHUB_MAX_PAYLOAD_BYTES, GITHUB_MAX_PAYLOAD_BYTES);
  return {
    maxBytes,
    maxInflightBytes: Math.max(e.MIMO_WEBHOOK_INFLIGHT_BYTES ?? 100 * 1024 * 1024, maxBytes),
    maxPending: e.MIMO_INBOX_MAX_PENDING ?? 10_000,
    maxAgeMs: (e.MIMO_INBOX_MAX_AGE_SECONDS ?? 86_400) * 1000,
    retentionMs: (e.MIMO_INBOX_RETENTION_DAYS ?? 7) * 86_400_000,
    triageConcurrency: e.MIMO_TRIAGE_CONCURRENCY,
    triageAttempts: e.MIMO_TRIAGE_ATTEMPTS,
    backoffMs: e.MIMO_TRIAGE_BACKOFF_MS ?? 2000,
    recoveryWindowMs: (e.MIMO_RECOVERY_WINDOW_HOURS ?? 24) * 3_600_000,
    recoveryIntervalMs: (e.MIMO_RECOVERY_INTERVAL_SECONDS ?? 600) * 1000,
  };
}

/** Reads and checks the environment once (default `process.env`); throws EnvError naming a malformed variable. */
export function readEnv(source: EnvSource = process.env): MimoEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) throw describe(result.error.issues[0]!);
  const e = result.data;
  return {
    github: defined({
      appId: e.APP_ID || undefined,
      privateKey: e.PRIVATE_KEY,
      privateKeyPath: e.PRIVATE_KEY_PATH,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookProxyUrl: e.WEBHOOK_PROXY_URL,
      apiBaseUrl: e.GHE_HOST ? `${e.GHE_PROTOCOL ?? 'https'}://${e.GHE_HOST}/api/v3` : undefined,
    }),
    production: e.NODE_ENV === 'production',
    http: { port: e.PORT, host: e.HOST ?? 'localhost' },
    logLevel: e.LOG_LEVEL,
    models: defined({
      OPENAI_API_KEY: e.OPENAI_API_KEY,
      ANTHROPIC_API_KEY: e.ANTHROPIC_API_KEY,
      MIMO_OPENAI_COMPATIBLE_API_KEY: e.MIMO_OPENAI_COMPATIBLE_API_KEY,
      MIMO_PRICING: e.MIMO_PRICING,
    }),
    ...defined({ defaultModel: e.MIMO_MODEL, dockerHost: e.DOCKER_HOST, workDir: e.MIMO_WORK_DIR }),
    queue: defined({ redisUrl: e.REDIS_URL, sqlitePath: e.MIMO_DB, prefix: e.MIMO_REDIS_PREFIX }),
    embeddedWorker: e.MIMO_EMBEDDED_WORKER,
    concurrency: e.MIMO_CONCURRENCY,
    sandboxPool: e.MIMO_SANDBOX_POOL,
    allowUnlimitedEngine: e.MIMO_ALLOW_UNLIMITED_ENGINE,
    gitCache: {
      ...(e.MIMO_GIT_CACHE_DIR ? { dir: e.MIMO_GIT_CACHE_DIR } : {}),
      maxBytes: e.MIMO_GIT_CACHE_MB * 1024 * 1024,
    },
    extraCaDir: e.MIMO_EXTRA_CA_DIR ?? '/usr/local/share/ca-certificates',
    debianMirror: e.MIMO_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian',
    ceilings: defined({
      memoryMb: e.MIMO_MAX_MEMORY_MB,
      pids: e.MIMO_MAX_PIDS,
      cpus: e.MIMO_MAX_CPUS,
      diskMb: e.MIMO_MAX_DISK_MB,
      commandSeconds: e.MIMO_MAX_COMMAND_SECONDS,
      iterations: e.MIMO_MAX_ITERATIONS,
      costUsd: e.MIMO_MAX_COST_USD,
      runtime: e.MIMO_SANDBOX_RUNTIME,
    }),
    inbox: inboxFrom(e),
    web: {
      ...defined({
        publicUrl: e.MIMO_PUBLIC_URL,
        runsSecret: e.MIMO_RUNS_SECRET,
        metricsToken: e.MIMO_METRICS_TOKEN,
      }),
      runsDir: e.MIMO_RUNS_DIR ?? 'data/runs',
    },
  };
}

/**
 * The raw process environment, for the few places that hand it on unchanged: Probot's private-key reader
 * (PRIVATE_KEY, PRIVATE_KEY_PATH) and host-side git's pass-through variables (PATH, HOME, proxies).
 */
export function processEnv(): EnvSource {
  return process.env;
}

/** Applies `.env` from the working directory the way Probot does (existing variables win). */
export function applyDotEnv(env: EnvSource = process.env, path = join(process.cwd(), '.env')): void {
  if (!existsSync(path)) return;
  const parsed = parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
  for (const [key, value] of Object.entries(parsed)) if (env[key] === undefined) env[key] = value;
}
