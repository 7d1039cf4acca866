import Docker from 'dockerode';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadImage } from './second-engine.js';

// A rootless Docker engine, as a user would run one: Debian's dockerd-rootless.sh (rootlesskit, slirp4netns) started
// as the unprivileged user .ci/rootless makes, in its own data and runtime folders, reached over its own socket
// (unix://DIR/run/docker.sock, as /run/user/UID/docker.sock would be). The host's engine is not touched.

const USER = 'mimo-rootless';

export interface RootlessEngine {
  docker: Docker;
  dockerHost: string;
  stop(): Promise<void>;
}

function uidOf(user: string): { uid: number; gid: number } {
  try {
    const [uid, gid] = execFileSync('sh', ['-c', `id -u ${user}; id -g ${user}`])
      .toString()
      .trim()
      .split('\n');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    throw new Error(`no user ${user}: run .ci/rootless (as root) first`);
  }
}

async function waitForPing(docker: Docker, child: ChildProcess, log: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) break;
    if (
      await docker.ping().then(
        () => true,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `the rootless engine did not start:\n${readFileSync(log, 'utf8').split('\n').slice(-15).join('\n')}`,
  );
}

/** Starts the engine and loads `images` into it from the host's engine; `stop()` ends it and removes its folders. */
export async function startRootlessEngine(images: string[]): Promise<RootlessEngine> {
  const { uid, gid } = uidOf(USER);
  const dir = mkdtempSync('/tmp/mimo-rootless-');
  const run = join(dir, 'run');
  const home = join(dir, 'home');
  for (const path of [dir, run, home]) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chownSync(path, uid, gid);
  }
  const log = join(dir, 'dockerd.log');
  const out = openSync(log, 'a');
  const child = spawn(
    'runuser',
    [
      '-u',
      USER,
      '--',
      'env',
      `HOME=${home}`,
      `XDG_RUNTIME_DIR=${run}`,
      'PATH=/usr/share/docker.io/contrib:/usr/sbin:/usr/bin:/sbin:/bin',
      'dockerd-rootless.sh',
      '--data-root',
      join(home, 'data'),
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  const socket = join(run, 'docker.sock');
  const docker = new Docker({ socketPath: socket });
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null; i++)
        await new Promise((r) => setTimeout(r, 100));
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(docker, child, log);
    const host = new Docker({ socketPath: '/var/run/docker.sock' });
    for (const image of images) await loadImage(host, docker, image);
  } catch (error) {
    await stop();
    throw error;
  }
  if (!existsSync(socket)) throw new Error(`no socket at ${socket}`);
  return { docker, dockerHost: `unix://${socket}`, stop };
}
