import { jest } from '@jest/globals';
import type Docker from 'dockerode';
import { readdirSync } from 'node:fs';
import {
  openDockerSandbox,
  runSandboxed,
  RuntimeMissingError,
  SandboxLostError,
  type SetupEvent,
} from '../../src/sandbox/index.js';
import { assertRuntimePresent } from '../../src/sandbox/engine.js';
import { containersOfThisProcess, removeWorkspaces, tempWorkspace } from './helpers.js';

// gVisor (`sandbox.runtime: runsc`, registered with the engine by .ci/runsc) against the real engine: what only
// runsc does. The isolation checks shared with runc are the parametrized block of docker.test.ts.
jest.setTimeout(120_000);

afterAll(removeWorkspaces);

const INTERFACES = 'for i in /sys/class/net/*; do echo "${i##*/}"; done';

describe('runsc sandbox', () => {
  it('runs a networked setup in a runc sibling on the same workspace and HOME, then the tests under gVisor without network', async () => {
    const dir = tempWorkspace();
    const events: SetupEvent[] = [];
    const seen = await runSandboxed(
      {
        workspace: dir,
        policy: { runtime: 'runsc', allowSetupNetwork: true },
        labels: { 'dev.mimo.test': 'runsc-sibling' },
        setup: {
          network: true,
          // npm reaches the registry only through the egress proxy; the kernel is the host's (runc).
          command:
            'uname -r > setup-kernel.txt && npm view left-pad version > setup.txt && ' +
            'mkdir -p "$HOME/.cache" && echo from-setup > "$HOME/.cache/h"',
        },
        reporter: { event: (e) => events.push(e) },
      },
      async ({ sandbox, setup }) => {
        const during = await containersOfThisProcess(undefined, 'dev.mimo.test=runsc-sibling');
        const tests = await sandbox.exec(
          `uname -r; id -u; cat setup.txt setup-kernel.txt "$HOME/.cache/h"; ${INTERFACES}`,
        );
        return { setup, tests, during, log: await sandbox.networkLog!() };
      },
    );
    expect(seen.setup?.exitCode).toBe(0);
    expect(events[0]?.message).toMatch(/^setup `.*` exited 0 \(network: allow-listed registries only\)$/);
    const [kernel, uid, version, setupKernel, home, ...interfaces] = seen.tests.stdout.trim().split('\n');
    expect(kernel).toBe('4.4.0');
    expect(Number(uid)).not.toBe(0);
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(setupKernel).not.toBe('4.4.0');
    expect(home).toBe('from-setup');
    expect(interfaces).toEqual(['lo']);
    // The sibling was gone before the tests ran; the proxy's log of it remains.
    expect(seen.during).toHaveLength(1);
    expect(seen.log.some((d) => d.allow && d.host === 'registry.npmjs.org')).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(await containersOfThisProcess(undefined, 'dev.mimo.test=runsc-sibling')).toEqual([]);
  });

  it('a memory bomb ends the whole gVisor sandbox (the host cgroup kills the sentry): SandboxLostError, nothing left behind', async () => {
    const own = await openDockerSandbox({
      workspace: tempWorkspace(),
      policy: { runtime: 'runsc', memoryBytes: 256 * 1024 ** 2 },
      labels: { 'dev.mimo.test': 'runsc-oom' },
    });
    try {
      const lost = await own
        .exec('python3 -c "b=[]\nwhile True: b.append(bytearray(16*1024*1024))"', { timeoutMs: 30_000 })
        .catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(SandboxLostError);
      expect((lost as Error).message).toMatch(
        /under gVisor .* memory or process limit ends the whole sandbox/,
      );
      expect((lost as Error).message).not.toMatch(/HTTP code|is not running/); // not the engine's raw 409
    } finally {
      await own.dispose();
    }
    expect(await containersOfThisProcess(undefined, 'dev.mimo.test=runsc-oom')).toEqual([]);
  });

  it('runs as many processes as sandbox.pids allows, and a fork bomb ends the gVisor sandbox instead of the host', async () => {
    const own = await openDockerSandbox({
      workspace: tempWorkspace(),
      policy: { runtime: 'runsc', pidsLimit: 64 },
      labels: { 'dev.mimo.test': 'runsc-pids' },
    });
    try {
      // 40 processes at once fit (the engine's limit counts gVisor's own host tasks: 64 × 12 + 64).
      const many = await own.exec(
        'i=0; while [ $i -lt 40 ]; do sleep 2 & i=$((i+1)); done; wait; echo forty',
        {
          timeoutMs: 20_000,
        },
      );
      expect([many.exitCode, many.stdout]).toEqual([0, 'forty\n']);
      const bomb = await own
        .exec('bomb() { bomb | bomb & }; bomb; sleep 60', { timeoutMs: 4000 })
        .catch((e: unknown) => e);
      expect(bomb).toBeInstanceOf(SandboxLostError);
    } finally {
      await own.dispose();
    }
    expect(await containersOfThisProcess(undefined, 'dev.mimo.test=runsc-pids')).toEqual([]);
  });

  it('says what to do when the engine has no runsc runtime', async () => {
    const engine = { info: async () => ({ Runtimes: { runc: {} } }) } as unknown as Docker;
    const error = await assertRuntimePresent(engine, 'runsc').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeMissingError);
    expect((error as Error).message).toMatch(/no runsc runtime \(it has: runc\).*daemon\.json.*SIGHUP/);
    await expect(assertRuntimePresent(engine, 'runc')).resolves.toBeUndefined();
  });
});
