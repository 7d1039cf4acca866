// The sandbox against an engine that shares no files and no network with this machine (a second dockerd in its own
// mount and network namespaces, no bridge: test/helpers/second-engine.ts), standing in for a remote engine: the
// library, `mimo exec` and `mimo fix` (the built CLI with DOCKER_HOST pointing at it) all work, and the edits reach
// the host's repository.
import { jest } from '@jest/globals';
import Docker from 'dockerode';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  baseImageName,
  EgressUnavailableError,
  ImageBuildError,
  openDockerSandbox,
  runnerImageName,
  runSandboxed,
  sweepContainers,
  type SetupEvent,
} from '../../src/sandbox/index.js';
import { buildContext } from '../../src/sandbox/images.js';
import { applyEdits } from '../../src/git/index.js';
import { parseJsonlLog } from '../../src/repair/index.js';
import { runMimo } from '../helpers/mimo-cli.js';
import { secondEngine, secondEngineUnavailable } from '../helpers/second-engine.js';

jest.setTimeout(120_000);
const skip = secondEngineUnavailable();
if (skip) console.warn(`second-engine tests skipped: ${skip}`);
const describeEngine = skip ? describe.skip : describe;

const dirs: string[] = [];
function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-second-engine-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const mimo = (args: string[], dockerHost: string) => runMimo(args, { DOCKER_HOST: dockerHost });

describeEngine('the sandbox on a second engine that shares no files with this machine', () => {
  const engine = secondEngine({ images: [runnerImageName()] });
  beforeAll(() => engine.start(), 600_000);
  afterAll(async () => {
    await engine.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('is another engine, and a host path does not exist there: a bind mount of it fails', async () => {
    const repo = repoWith({ 'marker.txt': 'on the host only\n' });
    // (the engine ID is no proof: both dockerds read it from /etc/docker/key.json)
    const second = (await engine.docker.info()) as { DockerRootDir: string };
    const host = (await new Docker().info()) as { DockerRootDir: string };
    expect(second.DockerRootDir).toBe(`${engine.dir}/data`);
    expect(host.DockerRootDir).not.toBe(second.DockerRootDir);
    expect(await engine.docker.listContainers({ all: true })).toEqual([]);
    expect((await engine.docker.listImages()).flatMap((i) => i.RepoTags ?? [])).toEqual([runnerImageName()]);
    const spec = {
      Image: runnerImageName(),
      Cmd: ['cat', '/repo/marker.txt'],
      // a mount, not `Binds` (which makes a missing source folder on the engine's machine, empty)
      HostConfig: {
        Mounts: [{ Type: 'bind' as const, Source: repo, Target: '/repo', ReadOnly: true }],
        NetworkMode: 'none',
      },
    };
    await expect(engine.docker.createContainer(spec)).rejects.toThrow(
      `bind source path does not exist: ${repo}`,
    );
    // the host's engine sees the folder: the difference is the files the engine shares, nothing else
    const onHost = await new Docker().createContainer(spec);
    await onHost.remove({ force: true });
  });

  it('copies the workspace in, runs commands and file operations, and the recorded edits reach the host', async () => {
    const repo = repoWith({
      'src/app/__init__.py': '',
      'src/app/core.py': 'def double(x):\n    return x * 2\n',
      'README.md': '# demo\n',
    });
    const result = await runSandboxed(
      { workspace: repo, docker: engine.docker },
      async ({ sandbox, workspace }) => {
        const run = await sandbox.exec(
          `cd src && python -c "from app.core import double; print(double(21))"; id -u; test -e ${repo} || echo no-host-path`,
        );
        expect(run).toMatchObject({ exitCode: 0, stdout: `42\n10001\nno-host-path\n` });
        await workspace.write('src/app/core.py', 'def double(x):\n    return x + x\n');
        await workspace.write('NEW.md', 'made in the sandbox\n');
        await workspace.remove('README.md');
        // what the sandbox's own processes see is the edited copy
        const seen = await sandbox.exec('cat src/app/core.py NEW.md; ls');
        expect(seen.stdout).toBe('def double(x):\n    return x + x\nmade in the sandbox\nNEW.md\nsrc\n');
        expect(await sandbox.statFile('src/app')).toBe('dir');
        expect((await sandbox.listFiles('.', { maxDepth: 5, ignore: ['__pycache__'] })).sort()).toEqual([
          'NEW.md',
          'src/app/__init__.py',
          'src/app/core.py',
        ]);
        // a file only a command wrote is not an edit
        await sandbox.exec('echo junk > junk.txt');
        return workspace.edits();
      },
    );
    // nothing reached the host until the edits are applied
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# demo\n');
    expect((await applyEdits(repo, result)).sort()).toEqual(['NEW.md', 'README.md', 'src/app/core.py']);
    expect(readFileSync(join(repo, 'src/app/core.py'), 'utf8')).toBe('def double(x):\n    return x + x\n');
    expect(readFileSync(join(repo, 'NEW.md'), 'utf8')).toBe('made in the sandbox\n');
    expect(() => readFileSync(join(repo, 'README.md'))).toThrow(/ENOENT/);
    expect(() => readFileSync(join(repo, 'junk.txt'))).toThrow(/ENOENT/);
  });

  it('survives a command that kills its runner, and stops a write at the workspace quota', async () => {
    const sandbox = await openDockerSandbox({
      workspace: repoWith({ 'a.txt': 'a\n' }),
      docker: engine.docker,
      policy: { diskBytes: 32 * 1024 * 1024 },
    });
    try {
      const killed = await sandbox.exec('kill -9 $PPID; sleep 5');
      expect(killed).toMatchObject({ exitCode: 137, runnerLost: true });
      expect((await sandbox.exec('cat a.txt')).stdout).toBe('a\n');
      const full = await sandbox.exec('dd if=/dev/zero of=big bs=1M count=100');
      expect(full.exitCode).not.toBe(0);
      expect(full.quotaExceeded).toBe('disk');
      expect(full.stderr).toMatch(/No space left on device/);
    } finally {
      await sandbox.dispose();
    }
    expect(await engine.docker.listContainers({ all: true })).toEqual([]);
  });

  it('refuses the setup network at once on an engine without a bridge, and setup runs offline saying why', async () => {
    const repo = repoWith({ 'a.txt': 'a\n' });
    const events: SetupEvent[] = [];
    const started = Date.now();
    const outcome = await runSandboxed(
      {
        workspace: repo,
        docker: engine.docker,
        policy: { allowSetupNetwork: true },
        setup: { command: 'ls /sys/class/net; env | grep -ci proxy || true', network: true },
        reporter: { event: (e) => events.push(e) },
      },
      async ({ sandbox, setup }) => {
        await expect(sandbox.setNetwork(true)).rejects.toBeInstanceOf(EgressUnavailableError);
        return setup;
      },
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(outcome).toMatchObject({ exitCode: 0, network: false, output: 'lo\n0\n' });
    expect(outcome?.networkUnavailable).toMatch(/no default bridge network/);
    expect(events[0]?.message).toMatch(
      /^setup `.*` exited 0 \(without network: the Docker engine has no default bridge/,
    );
    // nothing of the egress was made (no network left behind with a stale endpoint)
    expect((await engine.docker.listNetworks()).map((n) => n.Name).sort()).toEqual(['host', 'none']);
  });

  it("builds images with the engine host's network when the engine has no bridge, and with the bridge otherwise", async () => {
    // /proc/net/unix lists the unix sockets of the network namespace a step runs in: the engine's own (dockerd's
    // socket) in the engine host's namespace, none in a fresh one (`--bridge none` would give the step no network).
    const files = {
      Dockerfile: `FROM ${runnerImageName()}\nRUN [ "$(grep -c . /proc/net/unix)" -gt 1 ]\n`,
    };
    const tag = `mimo-test-bridgeless:${process.pid}`;
    const lines: string[] = [];
    await buildContext(engine.docker, tag, (line) => lines.push(line), files);
    expect(lines.join('\n')).toContain(
      "the engine has no default bridge: the build's steps use the engine host's network",
    );
    await engine.docker.getImage(tag).remove();
    // The host's engine has its bridge: the same step runs in a namespace of its own, and fails.
    const host = new Docker();
    const bridged: string[] = [];
    await expect(buildContext(host, tag, (line) => bridged.push(line), files)).rejects.toThrow(
      ImageBuildError,
    );
    expect(bridged.join('\n')).not.toContain('no default bridge');
  });

  it('sweeps a sandbox container of a dead process on that engine', async () => {
    const labels = {
      'dev.mimo.sandbox': '1',
      'dev.mimo.pid': '999999999',
      'dev.mimo.host': hostname(),
      'dev.mimo.boot': readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(),
      'dev.mimo.start': '1',
    };
    const orphan = await engine.docker.createContainer({
      Image: runnerImageName(),
      Cmd: ['sleep', 'infinity'],
      Labels: labels,
      HostConfig: { NetworkMode: 'none' },
    });
    expect(await sweepContainers({ docker: engine.docker })).toEqual([orphan.id]);
    expect(await engine.docker.listContainers({ all: true })).toEqual([]);
  });

  it('`mimo exec` and `mimo images list` use it with DOCKER_HOST, and `exec --network` fails at once saying why', async () => {
    const repo = repoWith({ 'hello.txt': 'hello\n' });
    const ran = await mimo(
      ['exec', '--repo', repo, '--', `cat hello.txt; ls /sys/class/net`],
      engine.dockerHost,
    );
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ exitCode: 0, stdout: 'hello\nlo\n' });
    // `mimo images list` asks that engine: the runner was loaded, the base never was
    const listed = await mimo(['images', 'list'], engine.dockerHost);
    expect(JSON.parse(listed.stdout)).toEqual({
      engine: engine.dockerHost,
      images: [
        { name: baseImageName(), present: false },
        { name: runnerImageName(), present: true },
      ],
    });
    const networked = await mimo(['exec', '--network', '--repo', repo, '--', 'true'], engine.dockerHost);
    expect(networked.code).toBe(1);
    expect(networked.stderr).toMatch(/no default bridge network .*`--bridge none`/);
    expect(await engine.docker.listContainers({ all: true })).toEqual([]);
  });

  it('`mimo fix --model none` repairs a Python missing import there and writes the fix to the host repository', async () => {
    const repo = repoWith({
      'tests/test_tally.py':
        'from tally import tally\n\n\ndef test_tally():\n    assert tally(["a", "b", "a"]) == {"a": 2, "b": 1}\n',
      'tally.py': 'def tally(words):\n    return dict(Counter(words))\n',
      // network.setup defaults to true: this engine cannot give it one, so setup runs offline and says why
      '.github/mimo.yml': 'setup: "python -c \'print(12345)\'"\n',
    });
    const fixed = await mimo(
      ['fix', '--repo', repo, '--model', 'none', '--test', 'python -m pytest -q'],
      engine.dockerHost,
    );
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({
      success: true,
      files: ['tally.py'],
      stop: { reason: 'green' },
      wroteBack: true,
    });
    expect(readFileSync(join(repo, 'tally.py'), 'utf8')).toBe(
      'from collections import Counter\n\n\ndef tally(words):\n    return dict(Counter(words))\n',
    );
    expect(fixed.stderr).toMatch(/baseline test run — 1 failing/);
    const setup = parseJsonlLog(readFileSync(join(repo, '.mimo/log.jsonl'), 'utf8')).find((e) =>
      e.message.startsWith('setup '),
    );
    expect(setup?.message).toMatch(
      /^setup `python -c 'print\(12345\)'` exited 0 \(without network: the Docker engine has no default bridge network/,
    );
    expect(await engine.docker.listContainers({ all: true })).toEqual([]);
  }, 300_000);
});
