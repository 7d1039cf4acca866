// Operator ceilings: limits a repository's `.github/mimo.yml` may lower but never raise, set by whoever runs mimo
// (`MIMO_MAX_*` in the environment of the CLI or the app, checked by readEnv) with safe defaults derived from the
// host. Pure: the operator's values and the host's resources are passed in.
import { availableParallelism, totalmem } from 'node:os';
import type { CeilingOverrides } from './env.js';
import type { MimoConfig } from './load.js';

export interface Ceilings {
  memoryMb: number;
  pids: number;
  cpus: number;
  diskMb: number;
  commandSeconds: number;
  iterations: number;
  costUsd: number;
  /** The operator's sandbox runtime (MIMO_SANDBOX_RUNTIME): runsc is a floor a repository cannot lower. */
  runtime?: 'runc' | 'runsc';
}

export interface HostResources {
  memoryBytes: number;
  cores: number;
}

export const CEILING_VARIABLES = {
  memoryMb: 'MIMO_MAX_MEMORY_MB',
  pids: 'MIMO_MAX_PIDS',
  cpus: 'MIMO_MAX_CPUS',
  diskMb: 'MIMO_MAX_DISK_MB',
  commandSeconds: 'MIMO_MAX_COMMAND_SECONDS',
  iterations: 'MIMO_MAX_ITERATIONS',
  costUsd: 'MIMO_MAX_COST_USD',
} as const satisfies Record<NumericCeiling, string>;

type NumericCeiling = Exclude<keyof Ceilings, 'runtime'>;

export function hostResources(): HostResources {
  return { memoryBytes: totalmem(), cores: availableParallelism() };
}

/**
 * The defaults: half the host's memory, 1024 processes, the host's cores, a 16 GiB workspace (a tmpfs volume of the
 * engine: its pages count against the host's memory), 30-minute commands, 20 turns, $10.
 */
export function defaultCeilings(host: HostResources): Ceilings {
  return {
    memoryMb: Math.max(256, Math.floor(host.memoryBytes / 2 / 1024 ** 2)),
    pids: 1024,
    cpus: Math.max(1, host.cores),
    diskMb: 16 * 1024,
    commandSeconds: 30 * 60,
    iterations: 20,
    costUsd: 10,
  };
}

/**
 * The ceilings in force: each `MIMO_MAX_*` the environment set (checked by readEnv, src/config/env.ts), else its
 * default; memory and CPUs never above what the host has, whatever the operator wrote.
 */
export function resolveCeilings(
  overrides: CeilingOverrides,
  host: HostResources = hostResources(),
): Ceilings {
  const d = defaultCeilings(host);
  const hostMb = Math.floor(host.memoryBytes / 1024 ** 2);
  return {
    memoryMb: Math.min(overrides.memoryMb ?? d.memoryMb, hostMb),
    pids: overrides.pids ?? d.pids,
    cpus: Math.min(overrides.cpus ?? d.cpus, Math.max(1, host.cores)),
    diskMb: overrides.diskMb ?? d.diskMb,
    commandSeconds: overrides.commandSeconds ?? d.commandSeconds,
    iterations: overrides.iterations ?? d.iterations,
    costUsd: overrides.costUsd ?? d.costUsd,
    ...(overrides.runtime ? { runtime: overrides.runtime } : {}),
  };
}

/**
 * The sandbox runtime in force: the operator's runsc always (a repository asking for runc does not lower it),
 * else the repository's choice, else the operator's, else runc.
 */
export function effectiveRuntime(
  asked: 'runc' | 'runsc' | undefined,
  operator: 'runc' | 'runsc' | undefined,
): 'runc' | 'runsc' {
  if (operator === 'runsc') return 'runsc';
  return asked ?? operator ?? 'runc';
}

/** The config with the operator's runtime applied (for the callers that apply no other ceiling). */
export function withOperatorRuntime(config: MimoConfig, operator: 'runc' | 'runsc' | undefined): MimoConfig {
  const runtime = effectiveRuntime(config.sandbox.runtime, operator);
  return { ...config, sandbox: { ...config.sandbox, runtime } };
}

/** One value the repository asked for above a ceiling, and what it got. */
export interface Clamp {
  field: string;
  asked: number | string;
  ceiling: number | string;
  variable: string;
}

export function describeClamp(c: Clamp): string {
  if (typeof c.asked === 'string') {
    return `${c.field}: the repository asks for ${c.asked}, raised to ${c.ceiling} (the operator's ${c.variable})`;
  }
  return `${c.field}: the repository asks for ${c.asked}, clamped to ${c.ceiling} (the operator's ceiling ${c.variable})`;
}

/**
 * The config with every sandbox size, command timeout, turn count and cost at most its ceiling, and the list of
 * what was lowered (to log: "clamped … to …"). `iterations` is a caller's own turn limit (`--max-iterations`),
 * clamped the same way.
 */
export function applyCeilings(
  config: MimoConfig,
  ceilings: Ceilings,
  iterations?: number,
): { config: MimoConfig; clamped: Clamp[]; iterations?: number } {
  const clamped: Clamp[] = [];
  const cap = (field: string, asked: number, key: NumericCeiling): number => {
    const ceiling = ceilings[key];
    if (asked <= ceiling) return asked;
    clamped.push({ field, asked, ceiling, variable: CEILING_VARIABLES[key] });
    return ceiling;
  };
  const limits = {
    ...config.limits,
    iterations: cap('limits.iterations', config.limits.iterations, 'iterations'),
    costUsd: cap('limits.costUsd', config.limits.costUsd, 'costUsd'),
    commandTimeoutSeconds: cap(
      'limits.commandTimeoutSeconds',
      config.limits.commandTimeoutSeconds,
      'commandSeconds',
    ),
  };
  const sandbox = {
    ...config.sandbox,
    memoryMb: cap('sandbox.memoryMb', config.sandbox.memoryMb, 'memoryMb'),
    cpus: cap('sandbox.cpus', config.sandbox.cpus, 'cpus'),
    pids: cap('sandbox.pids', config.sandbox.pids, 'pids'),
    diskMb: cap('sandbox.diskMb', config.sandbox.diskMb, 'diskMb'),
    runtime: effectiveRuntime(config.sandbox.runtime, ceilings.runtime),
  };
  if (config.sandbox.runtime && config.sandbox.runtime !== sandbox.runtime) {
    clamped.push({
      field: 'sandbox.runtime',
      asked: config.sandbox.runtime,
      ceiling: sandbox.runtime,
      variable: 'MIMO_SANDBOX_RUNTIME',
    });
  }
  const turns = iterations === undefined ? undefined : cap('--max-iterations', iterations, 'iterations');
  return {
    config: { ...config, limits, sandbox },
    clamped,
    ...(turns === undefined ? {} : { iterations: turns }),
  };
}
