import { z } from 'zod';

/**
 * The schema of the process environment: every variable mimo-code (and the Probot server it runs in) honours, with
 * its check and default. src/config/env.ts turns the parsed values into the typed object that is passed down; the
 * README and docs/deploy.md list the same variables (test/config/env-coverage.test.ts checks both ways).
 */

/** GitHub caps webhook payloads at 25 MB: MIMO_WEBHOOK_MAX_BYTES is never above it. */
export const GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

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

/** A whole number in [min, max]; unset or empty gives the fallback. */
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

/** A number > 0 (≥ 0 with `zero`), whole with `whole`; unset or empty gives undefined. */
const positive = (opts: { whole?: boolean; zero?: boolean } = {}) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): number | undefined => {
      if (v === undefined || v === '') return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || (n === 0 && !opts.zero) || (opts.whole && !Number.isInteger(n))) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a ${opts.zero ? 'non-negative' : 'positive'} ${opts.whole ? 'whole ' : ''}number (found ${JSON.stringify(v)})`,
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

const redisUrl = text.refine((v) => v === undefined || /^rediss?:\/\/./.test(v), {
  message: 'expected a redis:// or rediss:// URL such as redis://host:6379',
});

/** Every variable, with its check (and default where the schema gives one). */
export const envSchema = z.object({
  // GitHub App and the Probot server
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
  // models
  OPENAI_API_KEY: text,
  ANTHROPIC_API_KEY: text,
  MIMO_OPENAI_COMPATIBLE_API_KEY: text,
  MIMO_PRICING: text,
  MIMO_MODEL: text,
  // Docker engine (dockerode reads these itself too)
  DOCKER_HOST: text,
  DOCKER_TLS_VERIFY: text,
  DOCKER_CERT_PATH: text,
  // queue, jobs and workers
  MIMO_DB: text,
  MIMO_WORK_DIR: text,
  REDIS_URL: redisUrl,
  MIMO_REDIS_PREFIX: text.refine((v) => v === undefined || /^[A-Za-z0-9_.-]{1,64}$/.test(v), {
    message: 'expected a short key prefix of letters, digits, ".", "_" or "-" such as mimo-staging',
  }),
  MIMO_EMBEDDED_WORKER: bool(true),
  MIMO_CONCURRENCY: int(2, 1, 256),
  MIMO_SANDBOX_POOL: int(0, 0, 64),
  MIMO_ALLOW_UNLIMITED_ENGINE: bool(false),
  MIMO_GIT_CACHE_DIR: text,
  MIMO_GIT_CACHE_MB: int(2048, 0, 10_000_000),
  // sandbox and its images
  MIMO_EXTRA_CA_DIR: text,
  MIMO_DEBIAN_MIRROR: url,
  MIMO_SANDBOX_RUNTIME: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): 'runc' | 'runsc' | undefined => {
      if (v === undefined || v === '') return undefined;
      if (v === 'runc' || v === 'runsc') return v;
      ctx.addIssue({ code: 'custom', message: `expected runc or runsc (found ${JSON.stringify(v)})` });
      return z.NEVER;
    }),
  // operator ceilings (src/config/ceilings.ts)
  MIMO_MAX_MEMORY_MB: positive({ whole: true }),
  MIMO_MAX_PIDS: positive({ whole: true }),
  MIMO_MAX_CPUS: positive(),
  MIMO_MAX_DISK_MB: positive({ whole: true }),
  MIMO_MAX_COMMAND_SECONDS: positive({ whole: true }),
  MIMO_MAX_ITERATIONS: positive({ whole: true }),
  MIMO_MAX_COST_USD: positive(),
  // webhook inbox, triage, recovery (docs/queue.md)
  MIMO_WEBHOOK_MAX_BYTES: positive({ whole: true }),
  MIMO_WEBHOOK_INFLIGHT_BYTES: positive({ whole: true }),
  MIMO_INBOX_MAX_PENDING: positive({ whole: true }),
  MIMO_INBOX_MAX_AGE_SECONDS: positive(),
  MIMO_INBOX_RETENTION_DAYS: positive(),
  MIMO_TRIAGE_CONCURRENCY: int(8, 1, 1024),
  MIMO_TRIAGE_ATTEMPTS: int(6, 1, 100),
  MIMO_TRIAGE_BACKOFF_MS: positive(),
  MIMO_RECOVERY_WINDOW_HOURS: positive({ zero: true }),
  MIMO_RECOVERY_INTERVAL_SECONDS: positive(),
  // run pages and /metrics
  MIMO_PUBLIC_URL: url,
  MIMO_RUNS_SECRET: text,
  MIMO_RUNS_DIR: text,
  MIMO_METRICS_TOKEN: text,
});

export type ParsedEnv = z.output<typeof envSchema>;

/**
 * Variables mimo-code sets for processes it starts inside a sandbox, read there by code that runs in that process
 * (the egress proxy, the coverage hook): never read from the app's environment, so not in the schema.
 */
export const CHILD_PROCESS_VARIABLES = [
  'MIMO_EGRESS_PORT',
  'MIMO_EGRESS_ALLOW',
  'MIMO_LOCALIZE_META',
  'MIMO_LOCALIZE_ROOT',
] as const;
