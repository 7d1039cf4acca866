import { z } from 'zod';

/**
 * The process environment, read once: every variable mimo-code (and the Probot server it runs in) honours is
 * checked here into one typed object that is passed down, in the style of probot's `readEnvOptions`. A malformed
 * value is an `EnvError` naming the variable, at start-up, instead of a surprise in the middle of a job.
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

const text = z
  .string()
  .transform((v) => v.trim())
  .transform((v) => (v === '' ? undefined : v))
  .optional();
const bool = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `expected true or false (found ${JSON.stringify(v)})` });
      return z.NEVER;
    });
const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a whole number from ${min} to ${max} (found ${JSON.stringify(v)})`,
        });
        return z.NEVER;
      }
      return n;
    });
const url = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    try {
      return new URL(v).toString().replace(/\/+$/, '');
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected an absolute URL (found ${JSON.stringify(v)})` });
      return z.NEVER;
    }
  });

/** Every variable, with its default. The README and docs/deploy.md list the same ones. */
export const envSchema = z.object({
  APP_ID: int(0, 0, Number.MAX_SAFE_INTEGER),
  PRIVATE_KEY: text,
  PRIVATE_KEY_PATH: text,
  WEBHOOK_SECRET: text,
  WEBHOOK_PROXY_URL: url,
  GHE_HOST: text,
  GHE_PROTOCOL: z.enum(['http', 'https']).optional(),
  NODE_ENV: text,
  PORT: int(3000, 0, 65535),
  HOST: text,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  OPENAI_API_KEY: text,
  ANTHROPIC_API_KEY: text,
  MIMO_OPENAI_COMPATIBLE_API_KEY: text,
  MIMO_PRICING: text,
  MIMO_MODEL: text,
  DOCKER_HOST: text,
  MIMO_DB: text,
  MIMO_WORK_DIR: text,
  REDIS_URL: text,
  MIMO_EMBEDDED_WORKER: bool(true),
  MIMO_CONCURRENCY: int(2, 1, 256),
  MIMO_SANDBOX_POOL: int(0, 0, 64),
  MIMO_GIT_CACHE_DIR: text,
  MIMO_GIT_CACHE_MB: int(2048, 0, 10_000_000),
  MIMO_EXTRA_CA_DIR: text,
  MIMO_DEBIAN_MIRROR: url,
  MIMO_PUBLIC_URL: url,
  MIMO_RUNS_SECRET: text,
  MIMO_RUNS_DIR: text,
  MIMO_METRICS_TOKEN: text,
  MIMO_SANDBOX_RUNTIME: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.enum(['runc', 'runsc']).optional()),
});

type Parsed = z.output<typeof envSchema>;

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
  logLevel: Parsed['LOG_LEVEL'];
  /** Model keys and pricing, for `createModel`: they stay in this process and never enter a sandbox. */
  models: EnvSource;
  /** Default model when a repository names none. */
  defaultModel?: string;
  dockerHost?: string;
  /** The operator's sandbox runtime (MIMO_SANDBOX_RUNTIME): `runsc` cannot be lowered by a repository. */
  sandboxRuntime?: 'runc' | 'runsc';
  queue: { redisUrl?: string; sqlitePath?: string };
  workDir?: string;
  embeddedWorker: boolean;
  concurrency: number;
  /** Started sandboxes kept waiting per container shape for the next job (MIMO_SANDBOX_POOL, default 0: none). */
  sandboxPool: number;
  /** The git object cache: where (MIMO_GIT_CACHE_DIR, default `<work dir>/git-cache`) and how big (MIMO_GIT_CACHE_MB, 0: off). */
  gitCache: { dir?: string; maxBytes: number };
  extraCaDir: string;
  debianMirror: string;
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

/** Reads and checks the environment once (default `process.env`); throws EnvError naming a malformed variable. */
export function readEnv(source: EnvSource = process.env): MimoEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) throw describe(result.error.issues[0]!);
  const e = result.data;
  const models: EnvSource = {};
  for (const key of [
    'OPENAI_API_KEY',
    'ANTHROPIC_API_KEY',
    'MIMO_OPENAI_COMPATIBLE_API_KEY',
    'MIMO_PRICING',
  ] as const)
    if (e[key] !== undefined) models[key] = e[key];
  return {
    github: {
      ...(e.APP_ID ? { appId: e.APP_ID } : {}),
      ...(e.PRIVATE_KEY ? { privateKey: e.PRIVATE_KEY } : {}),
      ...(e.PRIVATE_KEY_PATH ? { privateKeyPath: e.PRIVATE_KEY_PATH } : {}),
      ...(e.WEBHOOK_SECRET ? { webhookSecret: e.WEBHOOK_SECRET } : {}),
      ...(e.WEBHOOK_PROXY_URL ? { webhookProxyUrl: e.WEBHOOK_PROXY_URL } : {}),
      ...(e.GHE_HOST ? { apiBaseUrl: `${e.GHE_PROTOCOL ?? 'https'}://${e.GHE_HOST}/api/v3` } : {}),
    },
    production: e.NODE_ENV === 'production',
    http: { port: e.PORT, host: e.HOST ?? 'localhost' },
    logLevel: e.LOG_LEVEL,
    models,
    ...(e.MIMO_MODEL ? { defaultModel: e.MIMO_MODEL } : {}),
    ...(e.DOCKER_HOST ? { dockerHost: e.DOCKER_HOST } : {}),
    ...(e.MIMO_SANDBOX_RUNTIME ? { sandboxRuntime: e.MIMO_SANDBOX_RUNTIME } : {}),
    queue: {
      ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
      ...(e.MIMO_DB ? { sqlitePath: e.MIMO_DB } : {}),
    },
    ...(e.MIMO_WORK_DIR ? { workDir: e.MIMO_WORK_DIR } : {}),
    embeddedWorker: e.MIMO_EMBEDDED_WORKER,
    concurrency: e.MIMO_CONCURRENCY,
    sandboxPool: e.MIMO_SANDBOX_POOL,
    gitCache: {
      ...(e.MIMO_GIT_CACHE_DIR ? { dir: e.MIMO_GIT_CACHE_DIR } : {}),
      maxBytes: e.MIMO_GIT_CACHE_MB * 1024 * 1024,
    },
    extraCaDir: e.MIMO_EXTRA_CA_DIR ?? '/usr/local/share/ca-certificates',
    debianMirror: e.MIMO_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian',
    web: {
      ...(e.MIMO_PUBLIC_URL ? { publicUrl: e.MIMO_PUBLIC_URL } : {}),
      ...(e.MIMO_RUNS_SECRET ? { runsSecret: e.MIMO_RUNS_SECRET } : {}),
      runsDir: e.MIMO_RUNS_DIR ?? 'data/runs',
      ...(e.MIMO_METRICS_TOKEN ? { metricsToken: e.MIMO_METRICS_TOKEN } : {}),
    },
  };
}

/**
 * Only MIMO_SANDBOX_RUNTIME, for the callers that read the operator ceilings from a raw environment
 * (ceilingsFromEnv); EnvError when it is neither runc nor runsc.
 */
export function operatorSandboxRuntime(source: EnvSource): 'runc' | 'runsc' | undefined {
  const result = envSchema.shape.MIMO_SANDBOX_RUNTIME.safeParse(source.MIMO_SANDBOX_RUNTIME);
  if (!result.success) {
    throw new EnvError(
      `MIMO_SANDBOX_RUNTIME: expected runc or runsc (found ${JSON.stringify(source.MIMO_SANDBOX_RUNTIME)})`,
      'MIMO_SANDBOX_RUNTIME',
    );
  }
  return result.data;
}
