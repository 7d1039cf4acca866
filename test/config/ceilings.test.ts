// Operator ceilings: what a repository's config may ask for, at most, and the log line when it asks for more.
import {
  applyCeilings,
  defaultCeilings,
  EnvError,
  readEnv,
  resolveCeilings,
  defaultConfig,
  describeClamp,
  ConfigError,
  validateConfig,
  withOperatorRuntime,
} from '../../src/config/index.js';
import { policyFromConfig } from '../../src/sandbox/index.js';

const host = { memoryBytes: 23 * 1024 ** 3, cores: 4 };
const ceilingsFromEnv = (env: Record<string, string>, h = host) => resolveCeilings(readEnv(env).ceilings, h);

describe('operator ceilings', () => {
  it('defaults to half the host memory, 1024 pids, the host cores, a 16 GiB workspace, 30 min, 20 turns and $10', () => {
    expect(defaultCeilings(host)).toEqual({
      memoryMb: 11776,
      pids: 1024,
      cpus: 4,
      diskMb: 16384,
      commandSeconds: 1800,
      iterations: 20,
      costUsd: 10,
    });
    expect(ceilingsFromEnv({}, host)).toEqual(defaultCeilings(host));
  });

  it('reads MIMO_MAX_* from the env it is given, never above the host memory or cores', () => {
    const env = {
      MIMO_MAX_MEMORY_MB: '999999',
      MIMO_MAX_PIDS: '256',
      MIMO_MAX_CPUS: '32',
      MIMO_MAX_DISK_MB: '2048',
      MIMO_MAX_COMMAND_SECONDS: '60',
      MIMO_MAX_ITERATIONS: '5',
      MIMO_MAX_COST_USD: '0.5',
    };
    expect(ceilingsFromEnv(env, host)).toEqual({
      memoryMb: 23552,
      pids: 256,
      cpus: 4,
      diskMb: 2048,
      commandSeconds: 60,
      iterations: 5,
      costUsd: 0.5,
    });
  });

  it.each([
    ['MIMO_MAX_PIDS', 'lots'],
    ['MIMO_MAX_MEMORY_MB', '-1'],
    ['MIMO_MAX_ITERATIONS', '2.5'],
    ['MIMO_MAX_COST_USD', '0'],
  ])('refuses %s=%s, naming the variable and the value', (name, value) => {
    expect(() => ceilingsFromEnv({ [name]: value }, host)).toThrow(EnvError);
    expect(() => ceilingsFromEnv({ [name]: value }, host)).toThrow(
      new RegExp(`^${name}: expected a positive (whole )?number \\(found "${value.replace('.', '\\.')}"\\)$`),
    );
  });

  it('clamps what the repository asks above a ceiling and lists each clamp, leaving lower values alone', () => {
    const config = validateConfig({
      sandbox: { memoryMb: 65536, pids: 65536, cpus: 1 },
      limits: { commandTimeoutSeconds: 21600, iterations: 8, costUsd: 1000 },
    });
    const { config: out, clamped, iterations } = applyCeilings(config, ceilingsFromEnv({}, host), 50);
    expect(out.sandbox).toEqual({ memoryMb: 11776, pids: 1024, cpus: 1, diskMb: 4096, runtime: 'runc' });
    expect(out.limits).toMatchObject({ commandTimeoutSeconds: 1800, iterations: 8, costUsd: 10 });
    expect(iterations).toBe(20);
    expect(clamped.map(describeClamp)).toEqual([
      "limits.costUsd: the repository asks for 1000, clamped to 10 (the operator's ceiling MIMO_MAX_COST_USD)",
      "limits.commandTimeoutSeconds: the repository asks for 21600, clamped to 1800 (the operator's ceiling MIMO_MAX_COMMAND_SECONDS)",
      "sandbox.memoryMb: the repository asks for 65536, clamped to 11776 (the operator's ceiling MIMO_MAX_MEMORY_MB)",
      "sandbox.pids: the repository asks for 65536, clamped to 1024 (the operator's ceiling MIMO_MAX_PIDS)",
      "--max-iterations: the repository asks for 50, clamped to 20 (the operator's ceiling MIMO_MAX_ITERATIONS)",
    ]);
    expect(applyCeilings(defaultConfig(), ceilingsFromEnv({}, host)).clamped).toEqual([]);
  });

  it("keeps the operator's runsc whatever the repository asks, and lets a repository raise runc to runsc", () => {
    const asking = (runtime?: 'runc' | 'runsc') => validateConfig(runtime ? { sandbox: { runtime } } : {});
    const operator = (value?: string) => ceilingsFromEnv(value ? { MIMO_SANDBOX_RUNTIME: value } : {}, host);
    const lowered = applyCeilings(asking('runc'), operator('runsc'));
    expect(lowered.config.sandbox.runtime).toBe('runsc');
    expect(lowered.clamped.map(describeClamp)).toEqual([
      "sandbox.runtime: the repository asks for runc, raised to runsc (the operator's MIMO_SANDBOX_RUNTIME)",
    ]);
    expect(applyCeilings(asking(), operator('runsc')).config.sandbox.runtime).toBe('runsc');
    expect(applyCeilings(asking('runsc'), operator('runc')).config.sandbox.runtime).toBe('runsc');
    expect(applyCeilings(asking(), operator('runc')).config.sandbox.runtime).toBe('runc');
    expect(applyCeilings(asking(), operator()).config.sandbox.runtime).toBe('runc');
    expect(withOperatorRuntime(asking('runc'), 'runsc').sandbox.runtime).toBe('runsc');
    expect(policyFromConfig(withOperatorRuntime(asking(), 'runsc')).runtime).toBe('runsc');
    expect(() => operator('kata')).toThrow(EnvError);
    expect(() => operator('kata')).toThrow(/MIMO_SANDBOX_RUNTIME: expected runc or runsc \(found "kata"\)/);
    expect(() => validateConfig({ sandbox: { runtime: 'kata' } })).toThrow(ConfigError);
  });
});
