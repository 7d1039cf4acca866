import { defaultPolicy, policyFromConfig, resolvePolicy } from '../../src/sandbox/index.js';

describe('sandbox policy', () => {
  it('defaults to the limits of the security model', () => {
    const policy = defaultPolicy();
    expect(policy.memoryBytes).toBe(2 * 1024 ** 3);
    expect(policy.pidsLimit).toBe(512);
    expect(policy.allowSetupNetwork).toBe(false);
    expect(policy.user).toBe('workspace-owner');
  });

  it('takes sizes, the setup network and the command timeout from the repository config', () => {
    const policy = policyFromConfig({
      network: { setup: true },
      limits: { commandTimeoutSeconds: 90 },
      sandbox: { memoryMb: 4096, cpus: 1, pids: 256 },
    });
    expect(policy).toMatchObject({
      memoryBytes: 4096 * 1024 ** 2,
      cpus: 1,
      pidsLimit: 256,
      allowSetupNetwork: true,
      commandTimeoutMs: 90_000,
    });
  });

  it('keeps the defaults for what the config leaves out', () => {
    expect(policyFromConfig({})).toEqual(defaultPolicy());
  });

  it('refuses to run commands as root', () => {
    expect(() => resolvePolicy({ user: { uid: 0, gid: 0 } })).toThrow(/never run as root/);
    expect(() => resolvePolicy({ fallbackUid: 0 })).toThrow(/may not be root/);
  });

  it('refuses limits that are not positive', () => {
    expect(() => resolvePolicy({ pidsLimit: 0 })).toThrow(/pidsLimit must be a positive number/);
    expect(() => resolvePolicy({ memoryBytes: Number.NaN })).toThrow(/memoryBytes/);
  });
});
