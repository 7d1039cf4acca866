import { jest } from '@jest/globals';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseImageName } from '../../src/sandbox/index.js';
import { runMimo as mimo } from '../helpers/mimo-cli.js';
import { removeWorkspaces, tempWorkspace } from './helpers.js';

jest.setTimeout(60_000);
// The compiled CLI (built by the jest global setup): what bin/mimo.js runs, without its rebuild check per call.

describe('mimo exec', () => {
  it('prints one JSON ExecResult of a shell command line run in the workspace', async () => {
    const repo = tempWorkspace();
    const { code, stdout } = await mimo([
      'exec',
      '--repo',
      repo,
      '--',
      'echo hi > out.txt; cat out.txt; ls /sys/class/net',
    ]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toEqual({
      exitCode: 0,
      stdout: 'hi\nlo\n',
      stderr: '',
      timedOut: false,
      oomKilled: false,
      durationMs: expect.any(Number),
      truncatedBytes: 0,
    });
  });

  it('runs an argv, exits 1 when the command fails', async () => {
    const { code, stdout } = await mimo([
      'exec',
      '--repo',
      tempWorkspace(),
      '--',
      'sh',
      '-c',
      'echo $0; exit 4',
      'arg0',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ exitCode: 4, stdout: 'arg0\n' });
  });

  it('passes only the --env variables, never the host environment', async () => {
    const { code, stdout } = await mimo(
      ['exec', '--repo', tempWorkspace(), '--env', 'GIVEN=yes', '--env', 'EMPTY=', '--', 'env'],
      { GITHUB_TOKEN: 'ghs_hostSecretNeverInside' },
    );
    expect(code).toBe(0);
    const env = JSON.parse(stdout).stdout as string;
    expect(env).toMatch(/^GIVEN=yes$/m);
    expect(env).toMatch(/^EMPTY=$/m);
    expect(env).not.toContain('ghs_hostSecretNeverInside');
  });

  it('exits 2 on a malformed --env', async () => {
    const { code, stderr } = await mimo([
      'exec',
      '--repo',
      tempWorkspace(),
      '--env',
      'NOEQUALS',
      '--',
      'true',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--env NOEQUALS: expected NAME=VALUE/);
  });

  it('kills the command at --timeout', async () => {
    const { code, stdout } = await mimo([
      'exec',
      '--repo',
      tempWorkspace(),
      '--timeout',
      '1',
      '--',
      'sleep 30',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ timedOut: true, exitCode: 137 });
  });

  it('gives the command a network interface with --network', async () => {
    const { stdout } = await mimo([
      'exec',
      '--repo',
      tempWorkspace(),
      '--network',
      '--',
      'ls /sys/class/net',
    ]);
    expect(JSON.parse(stdout).stdout.trim().split('\n').length).toBeGreaterThan(1);
  });

  it("applies the repository's .github/mimo.yml limits", async () => {
    const repo = tempWorkspace();
    mkdirSync(join(repo, '.github'));
    writeFileSync(join(repo, '.github', 'mimo.yml'), 'sandbox:\n  memoryMb: 512\n  pids: 64\n');
    const { stdout } = await mimo([
      'exec',
      '--repo',
      repo,
      '--',
      'cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/pids.max /sys/fs/cgroup/memory.max',
    ]);
    expect(JSON.parse(stdout).stdout).toBe(`64\n${512 * 1024 * 1024}\n`);
  });

  it('runs in any image the engine has', async () => {
    const { code, stdout } = await mimo([
      'exec',
      '--repo',
      tempWorkspace(),
      '--image',
      baseImageName(),
      '--',
      'cat /etc/os-release',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).stdout).toMatch(/VERSION_CODENAME=trixie/);
  });

  it('exits 2 when the workspace does not exist', async () => {
    const { code, stderr } = await mimo(['exec', '--repo', join(tempWorkspace(), 'missing'), '--', 'true']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/no such directory/);
  });

  it('exits 2 and says to run `mimo images build` when the image is missing', async () => {
    const { code, stderr } = await mimo([
      'exec',
      '--repo',
      tempWorkspace(),
      '--image',
      'mimo-nope:0',
      '--',
      'true',
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('run `mimo images build`');
  });

  it('says the engine is unreachable and how to point to one', async () => {
    const { code, stderr } = await mimo(['exec', '--repo', tempWorkspace(), '--', 'true'], {
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot reach the Docker engine at unix:\/\/\/nonexistent\/docker.sock/);
    expect(stderr).toMatch(/DOCKER_HOST/);
  });
});

describe('mimo images list', () => {
  it('names the runner images and whether the engine has them', async () => {
    const { code, stdout } = await mimo(['images', 'list']);
    expect(code).toBe(0);
    const list = JSON.parse(stdout);
    expect(list.images.map((i: { name: string }) => i.name)).toEqual([
      expect.stringMatching(/^mimo-base:/),
      expect.stringMatching(/^mimo-runner:/),
    ]);
  });
});

afterAll(() => removeWorkspaces());
