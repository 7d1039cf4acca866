import { jest } from '@jest/globals';
import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  NetworkNotAllowedError,
  openDockerSandbox,
  runnerImageName,
  SandboxDisposedError,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { containersOfThisProcess, removeWorkspaces, tempWorkspace } from './helpers.js';

// Hostile workloads against the real engine, in the real runner image (`mimo images build`).
// One container per runtime serves every test that leaves it usable; tests that may restart it get their own.
jest.setTimeout(120_000);

const SECRET = 'ghs_mimoTestSecretThatMustNeverReachTheSandbox';
let workspace: string;

beforeAll(() => {
  process.env.GITHUB_TOKEN = SECRET;
  process.env.OPENAI_API_KEY = `sk-${SECRET}`;
  workspace = tempWorkspace();
});

afterAll(() => {
  delete process.env.GITHUB_TOKEN;
  delete process.env.OPENAI_API_KEY;
});

/** The network interfaces, without \`ls\` (trixie's coreutils \`ls\` fails under Debian's gVisor: docs/sandbox.md). */
const INTERFACES = 'for i in /sys/class/net/*; do echo "${i##*/}"; done';

function cgroupFile(v1: string, v2: string): string {
  return `cat /sys/fs/cgroup/${v1} 2>/dev/null || cat /sys/fs/cgroup/${v2}`;
}

// The isolation checks hold under both runtimes (runsc: gVisor, registered by .ci/runsc); where gVisor shows a
// check differently (its /proc has no CapAmb/NoNewPrivs lines, its cgroup files are not the host's), the host's
// view of the container is asserted instead.
describe.each(['runc', 'runsc'] as const)('docker sandbox (%s): isolation', (runtime) => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await openDockerSandbox({
      workspace,
      image: runnerImageName(),
      policy: { runtime },
      labels: { 'dev.mimo.test': `docker-${runtime}` },
    });
  });
  afterAll(() => sandbox?.dispose());
  /** The engine's view of this block's container (its HostConfig), found by label. */
  async function hostConfig(): Promise<Docker.HostConfig> {
    const [id] = await containersOfThisProcess(new Docker(), `dev.mimo.test=docker-${runtime}`);
    return (await new Docker().getContainer(id!).inspect()).HostConfig;
  }

  it("runs on the runtime asked for: the host kernel under runc, gVisor's own under runsc", async () => {
    const kernel = (await sandbox.exec('uname -r')).stdout.trim();
    if (runtime === 'runsc') expect(kernel).toBe('4.4.0');
    else expect(kernel).not.toBe('4.4.0');
  });

  it('runs commands as a non-root user in the workspace', async () => {
    const result = await sandbox.exec('id -u; id -g; pwd');
    const [uid, gid, cwd] = result.stdout.trim().split('\n');
    expect(result.exitCode).toBe(0);
    expect(Number(uid)).not.toBe(0);
    expect(Number(gid)).not.toBe(0);
    expect(cwd).toBe('/workspace');
  });

  it('has no capabilities and no way to gain privileges', async () => {
    const status = (await sandbox.exec('cat /proc/self/status')).stdout;
    for (const set of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', ...(runtime === 'runc' ? ['CapAmb'] : [])]) {
      expect(status).toMatch(new RegExp(`^${set}:\\s+0000000000000000$`, 'm'));
    }
    if (runtime === 'runc') expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    const host = await hostConfig();
    expect(host.CapDrop).toEqual(['ALL']);
    expect(host.SecurityOpt).toEqual(['no-new-privileges']);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Runtime).toBe(runtime);
  });

  it('has only the loopback interface while tests run', async () => {
    const result = await sandbox.exec(INTERFACES);
    expect(result.stdout.trim().split('\n')).toEqual(['lo']);
  });

  it('refuses network access the policy does not allow', async () => {
    await expect(sandbox.setNetwork(true)).rejects.toBeInstanceOf(NetworkNotAllowedError);
    expect((await sandbox.exec(INTERFACES)).stdout.trim()).toBe('lo');
  });

  it('fails writes outside the workspace, /tmp, /var/tmp and HOME', async () => {
    const result = await sandbox.exec(
      'for f in /x /etc/x /usr/bin/x /var/x /root/x; do touch $f 2>/dev/null && echo "wrote $f"; done; ' +
        'echo in-workspace > /workspace/written.txt && touch /tmp/t /var/tmp/t "$HOME/h" && echo ok',
    );
    expect(result.stdout.trim()).toBe('ok');
    // The write stays in the sandbox's own workspace: the host directory it was made from is never written.
    expect((await sandbox.readFile('written.txt'))?.toString()).toBe('in-workspace\n');
    expect(existsSync(join(workspace, 'written.txt'))).toBe(false);
  });

  it('passes only the environment the caller gives, never the host secrets', async () => {
    expect(process.env.GITHUB_TOKEN).toBe(SECRET);
    const result = await sandbox.exec('env', { env: { GIVEN: 'by-caller' } });
    expect(result.stdout).toContain('GIVEN=by-caller');
    expect(result.stdout).not.toContain(SECRET);
    expect(result.stdout).not.toMatch(/^(GITHUB_TOKEN|OPENAI_API_KEY|ANTHROPIC_API_KEY)=/m);
    // Every variable is one the caller gave, the sandbox sets, or the image declares: nothing from the host.
    const imageEnv = ((await new Docker().getImage(runnerImageName()).inspect()).Config.Env ?? []).map(
      (e) => e.split('=')[0],
    );
    const allowed = new Set([
      'GIVEN',
      'PATH',
      'HOME',
      'LANG',
      'HOSTNAME',
      'MIMO_EXEC_ID',
      'PWD',
      'SHLVL',
      ...imageEnv,
    ]);
    const names = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split('=')[0]);
    expect(names.filter((name) => !allowed.has(name!))).toEqual([]);
  });

  it('applies the memory, pids and open-files limits', async () => {
    const host = await hostConfig();
    expect(host.Memory).toBe(2 * 1024 ** 3);
    expect(Number((await sandbox.exec('ulimit -n')).stdout)).toBe(4096);
    if (runtime === 'runsc') {
      // gVisor sizes its memory by the cgroup; the engine's pids limit also counts gVisor's own host threads.
      expect((await sandbox.exec('head -1 /proc/meminfo')).stdout).toMatch(/MemTotal:\s+2097152 kB/);
      expect(host.PidsLimit).toBe(512 * 12 + 64);
      return;
    }
    const memory = await sandbox.exec(cgroupFile('memory/memory.limit_in_bytes', 'memory.max'));
    const pids = await sandbox.exec(cgroupFile('pids/pids.max', 'pids.max'));
    const nofile = await sandbox.exec('ulimit -n');
    expect(Number(memory.stdout)).toBe(2 * 1024 ** 3);
    expect(Number(pids.stdout)).toBe(512);
    expect(Number(nofile.stdout)).toBe(4096);
  });
});

// Under runsc a memory bomb ends the whole sandbox instead (runsc.test.ts): the OOM checks are runc's.
describe.each(['runc', 'runsc'] as const)('docker sandbox (%s): commands', (runtime) => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await openDockerSandbox({ workspace, image: runnerImageName(), policy: { runtime } });
  });
  afterAll(() => sandbox?.dispose());
  const runcOnly = runtime === 'runc' ? it : it.skip;

  it('reports the exit code, stdout and stderr of a shell command line', async () => {
    const result = await sandbox.exec('echo out; echo err >&2; exit 3');
    expect(result).toMatchObject({
      exitCode: 3,
      stdout: 'out\n',
      stderr: 'err\n',
      timedOut: false,
      oomKilled: false,
    });
    expect(result.truncatedBytes).toBe(0);
  });

  it('runs an argv without a shell, in a working directory under the workspace, with stdin', async () => {
    await sandbox.exec('mkdir -p sub');
    const result = await sandbox.exec(
      ['python', '-c', 'import os,sys; print(os.getcwd(), sys.stdin.read())'],
      {
        cwd: 'sub',
        stdin: 'from stdin',
      },
    );
    expect(result.stdout).toBe('/workspace/sub from stdin\n');
    await expect(sandbox.exec('true', { cwd: '../etc' })).rejects.toThrow(/outside the workspace/);
  });

  it('caps a 100 MB output flood, keeping head and tail and counting the cut', async () => {
    const result = await sandbox.exec(
      'printf START; head -c 100000000 /dev/zero | tr "\\0" x; printf END; echo tail-of-stderr >&2',
      { maxOutputBytes: 64 * 1024 },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith('STARTxxx')).toBe(true);
    expect(result.stdout.endsWith('xxxEND')).toBe(true);
    expect(result.stdout.length).toBeLessThan(64 * 1024 + 100);
    expect(result.truncatedBytes).toBe(100_000_008 - 64 * 1024);
    expect(result.stdout).toContain(`[… mimo: ${result.truncatedBytes} bytes cut …]`);
    expect(result.stderr).toBe('tail-of-stderr\n');
  });

  runcOnly('ends a memory bomb with oomKilled, and the next command is not blamed', async () => {
    const bomb = await sandbox.exec(
      'python -c "chunks = []\nwhile True: chunks.append(bytearray(64 * 1024 * 1024))"',
    );
    expect(bomb.oomKilled).toBe(true);
    expect(bomb.exitCode).toBe(137);
    const next = await sandbox.exec('echo fine');
    expect(next).toMatchObject({ exitCode: 0, oomKilled: false });
  });

  runcOnly('sees an OOM kill even when a shell swallowed it', async () => {
    const result = await sandbox.exec('tail /dev/zero; echo survived');
    expect(result.stdout).toBe('survived\n');
    expect(result.exitCode).toBe(0);
    expect(result.oomKilled).toBe(true);
  });

  it('kills an infinite loop at the timeout together with its background children', async () => {
    const result = await sandbox.exec(
      'sleep 1001 & env -i setsid sleep 1002 & (sleep 1003 &) ; while :; do :; done',
      { timeoutMs: 1500 },
    );
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(137);
    const left = await sandbox.exec('cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "');
    expect(left.stdout).not.toMatch(/sleep 100[123]/);
    expect((await sandbox.exec('echo still-usable')).stdout).toBe('still-usable\n');
  });

  it('never lets a background process outlive its command, even one that detached and scrubbed its environment', async () => {
    const result = await sandbox.exec('sleep 1006 & env -i setsid sleep 1007 & echo started');
    expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n', timedOut: false });
    const left = await sandbox.exec('cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "');
    expect(left.stdout).not.toMatch(/sleep 100[67]/);
  });

  it('stops a command when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('budget spent')), 300);
    await expect(sandbox.exec('sleep 1004', { signal: controller.signal })).rejects.toThrow('budget spent');
    const left = await sandbox.exec('cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "');
    expect(left.stdout).not.toContain('sleep 1004');
  });
});

describe('docker sandbox: containment that needs a container of its own', () => {
  it('contains a fork bomb with the pids limit and cleans it up at the timeout', async () => {
    const own = await openDockerSandbox({ workspace: tempWorkspace(), policy: { pidsLimit: 128 } });
    try {
      // The bomb forks in a subshell and the wait is a builtin loop: once the bomb holds every pid, a fork of the
      // command's own shell would fail and end the command early instead of at the timeout.
      const bomb = await own.exec('(bomb() { bomb | bomb & }; bomb); while :; do :; done', {
        timeoutMs: 4000,
      });
      expect(bomb.timedOut).toBe(true);
      expect(bomb.stderr).toMatch(/Cannot fork|Resource temporarily unavailable/);
      const after = await own.exec(
        `${cgroupFile('pids/pids.max', 'pids.max')}; ${cgroupFile('pids/pids.current', 'pids.current')}`,
      );
      const [max, current] = after.stdout.trim().split('\n').map(Number);
      expect(after.exitCode).toBe(0);
      expect(max).toBe(128);
      expect(current).toBeLessThan(10);
    } finally {
      await own.dispose();
    }
  });

  it('survives a command that kills every process it can', async () => {
    const own = await openDockerSandbox({ workspace: tempWorkspace() });
    try {
      const killer = await own.exec('kill -9 -1');
      expect(killer.exitCode).toBe(137);
      expect((await own.exec('echo alive')).stdout).toBe('alive\n');
    } finally {
      await own.dispose();
    }
  });

  it('connects a network for a setup phase when the policy allows it, and only then', async () => {
    const own = await openDockerSandbox({ workspace: tempWorkspace(), policy: { allowSetupNetwork: true } });
    try {
      const interfaces = async () => (await own.exec('ls /sys/class/net')).stdout.trim().split('\n');
      expect(await interfaces()).toEqual(['lo']);
      await own.setNetwork(true);
      expect((await interfaces()).length).toBeGreaterThan(1);
      await own.setNetwork(false);
      expect(await interfaces()).toEqual(['lo']);
      await own.setNetwork(true);
      expect((await interfaces()).length).toBeGreaterThan(1);
      await own.setNetwork(false);
      expect(await interfaces()).toEqual(['lo']);
    } finally {
      await own.dispose();
    }
  });
});

describe('docker sandbox: cleanup', () => {
  it('dispose() removes the container, twice is harmless, and the sandbox refuses further use', async () => {
    const own = await openDockerSandbox({ workspace: tempWorkspace() });
    const before = await containersOfThisProcess();
    await own.dispose();
    await own.dispose();
    const after = await containersOfThisProcess();
    expect(before.length - after.length).toBe(1);
    await expect(own.exec('true')).rejects.toBeInstanceOf(SandboxDisposedError);
  });
});

describe('docker sandbox: after the suite', () => {
  it('leaves no container of this test process behind (checked by label)', async () => {
    expect(await containersOfThisProcess()).toEqual([]);
  });
});

afterAll(() => removeWorkspaces());
