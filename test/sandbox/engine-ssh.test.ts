// A remote engine over SSH (DOCKER_HOST=ssh://USER@HOST:PORT), as the docker CLI reaches one: a real OpenSSH sshd on
// 127.0.0.1 whose `docker system dial-stdio` is this machine's engine, keys from a real ssh-agent or from
// ~/.ssh/id_ed25519, and the host key checked against known_hosts (plain and hashed, written by ssh-keygen).
import { jest } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEngineReachable, dockerClient, withDockerSandbox } from '../../src/sandbox/index.js';
import { runMimo } from '../helpers/mimo-cli.js';

jest.setTimeout(120_000);
const dir = mkdtempSync(join(tmpdir(), 'mimo-engine-ssh-'));
const children: ChildProcess[] = [];
let port = 0;
let agentSocket = '';
const sshdLog = join(dir, 'sshd.log');

function keygen(file: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, file)]);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A HOME whose ~/.ssh/known_hosts has `lines`, and optionally the user's key as ~/.ssh/id_ed25519. */
function home(name: string, lines: string[], withIdentity = false): string {
  const path = join(dir, name);
  mkdirSync(join(path, '.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(join(path, '.ssh', 'known_hosts'), lines.map((l) => `${l}\n`).join(''));
  if (withIdentity) copyFileSync(join(dir, 'user_key'), join(path, '.ssh', 'id_ed25519'));
  return path;
}

const hostLine = () => `[127.0.0.1]:${port} ${readFileSync(join(dir, 'host_key.pub'), 'utf8').trim()}`;

const mimo = (env: Record<string, string>, args: string[]) =>
  // SSH_AUTH_SOCK only where a case passes it: the identity-file case must not find this shell's agent
  runMimo(args, { SSH_AUTH_SOCK: undefined, DOCKER_HOST: `ssh://root@127.0.0.1:${port}`, ...env });

beforeAll(async () => {
  keygen('host_key');
  keygen('user_key');
  keygen('other_host_key');
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')), { mode: 0o600 });
  port = await freePort();
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
    ].join('\n') + '\n',
  );
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  // its log to a file, not a pipe: a session sshd forks keeps the pipe open as long as its client's connection
  const sshd = spawn('/usr/sbin/sshd', ['-D', '-E', sshdLog, '-f', join(dir, 'sshd_config')], {
    stdio: 'ignore',
  });
  agentSocket = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore' });
  children.push(sshd, agent);
  for (let i = 0; i < 100; i++) {
    try {
      execFileSync('ssh-add', ['-q', join(dir, 'user_key')], {
        env: { ...process.env, SSH_AUTH_SOCK: agentSocket },
        stdio: 'pipe',
      });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
});

afterAll(() => {
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('an engine over ssh://', () => {
  it('opens a sandbox through it: the copy, the resident runner and the reads share one SSH connection', async () => {
    const docker = dockerClient({
      DOCKER_HOST: `ssh://root@127.0.0.1:${port}`,
      SSH_AUTH_SOCK: agentSocket,
      HOME: home('lib', [hostLine()]),
    });
    await assertEngineReachable(docker, 15_000);
    const ws = mkdtempSync(join(tmpdir(), 'mimo-engine-ssh-ws-'));
    try {
      writeFileSync(join(ws, 'in.txt'), 'over ssh\n');
      const out = await withDockerSandbox({ workspace: ws, docker }, async (sandbox) => {
        const run = await sandbox.exec('cat in.txt; id -u; echo edited > in.txt');
        return { run, read: (await sandbox.readFile('in.txt'))?.toString() };
      });
      expect(out.run).toMatchObject({ exitCode: 0, stdout: 'over ssh\n10001\n' });
      expect(out.read).toBe('edited\n');
      expect(readFileSync(join(ws, 'in.txt'), 'utf8')).toBe('over ssh\n'); // nothing flows back unrecorded
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
    // one login for the ping, the copy, the runner and the reads (dockerode's own SSH transport logs in per call)
    expect(readFileSync(sshdLog, 'utf8').match(/Accepted publickey for root/g)).toHaveLength(1);
  });

  it('`mimo exec` works with the agent, and exits when done', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'mimo-engine-ssh-ws-'));
    try {
      writeFileSync(join(ws, 'in.txt'), 'cli over ssh\n');
      const result = await mimo({ SSH_AUTH_SOCK: agentSocket, HOME: home('cli', [hostLine()]) }, [
        'exec',
        '--repo',
        ws,
        '--',
        'cat in.txt',
      ]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 0, stdout: 'cli over ssh\n' });
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('takes a hashed known_hosts line and ~/.ssh/id_ed25519 when there is no agent', async () => {
    const path = home('hashed', [hostLine()], true);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', join(path, '.ssh', 'known_hosts')], { stdio: 'pipe' });
    expect(readFileSync(join(path, '.ssh', 'known_hosts'), 'utf8')).toMatch(/^\|1\|/);
    const result = await mimo({ HOME: path }, ['exec', '--repo', dir, '--', 'echo hashed']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 0, stdout: 'hashed\n' });
  });

  it('refuses a host whose key is unknown or changed, and says what to do', async () => {
    const unknown = await mimo({ SSH_AUTH_SOCK: agentSocket, HOME: home('unknown', []) }, [
      'exec',
      '--repo',
      dir,
      '--',
      'echo ran',
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stdout).not.toContain('ran');
    expect(unknown.stderr).toMatch(new RegExp(`ssh://root@127\\.0\\.0\\.1:${port}`));
    expect(unknown.stderr).toMatch(/not in .*known_hosts/);
    expect(unknown.stderr).toContain(`ssh-keyscan -p ${port} 127.0.0.1`);

    const other = readFileSync(join(dir, 'other_host_key.pub'), 'utf8').trim();
    const changed = await mimo(
      { SSH_AUTH_SOCK: agentSocket, HOME: home('changed', [`[127.0.0.1]:${port} ${other}`]) },
      ['exec', '--repo', dir, '--', 'echo ran'],
    );
    expect(changed.code).not.toBe(0);
    expect(changed.stdout).not.toContain('ran');
    expect(changed.stderr).toMatch(/does not match its line in .*known_hosts/);
  });
});
