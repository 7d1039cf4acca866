import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type ConnectConfig } from 'ssh2';
import { knownHostName, readKnownHosts, verifyHostKey, type HostKeyVerdict } from './known-hosts.js';

/*
 * An engine behind `ssh://USER@HOST[:PORT]`, reached as the docker CLI reaches it: each connection to the engine
 * is `docker system dial-stdio` run on the host over SSH. Unlike dockerode's own SSH transport (a new SSH
 * handshake per API call, and any host key accepted), one SSH connection is kept per target and carries every
 * request as a channel, and the host key must be in known_hosts. The client talks to a private unix socket
 * (mode 0700 folder) that forwards each connection to a channel, so the rest of the code sees an ordinary socket.
 * Nothing here holds the process open: only a request in flight does, through its own client socket.
 */

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** SSH_AUTH_SOCK, when set: keys come from the agent. */
  agent?: string;
  /** HOME: known_hosts and, without an agent, the default identity files. */
  home: string;
}

interface Tunnel {
  socketPath: string;
  /** `ssh://USER@HOST:PORT`, for messages. */
  endpoint: string;
  /** Why the last SSH connection failed, for the engine-unreachable message. */
  failure?: string;
}

const tunnels = new Map<string, Tunnel>();
const bySocket = new Map<string, Tunnel>();
const IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function identity(target: SshTarget): Pick<ConnectConfig, 'agent' | 'privateKey'> {
  if (target.agent) return { agent: target.agent };
  for (const name of IDENTITIES) {
    try {
      return { privateKey: readFileSync(join(target.home, '.ssh', name)) };
    } catch {
      // the next default identity
    }
  }
  return {};
}

function verdictMessage(verdict: HostKeyVerdict, name: string, home: string): string {
  const file = join(home, '.ssh', 'known_hosts');
  if (verdict === 'revoked') return `the host key of ${name} is marked @revoked in known_hosts`;
  if (verdict === 'changed')
    return `the host key of ${name} does not match its line in ${file} (a changed host key: check it, then correct the line)`;
  return (
    `the host key of ${name} is not in ${file}: check its fingerprint, then add it ` +
    `(e.g. \`ssh-keyscan ${name.startsWith('[') ? `-p ${name.slice(name.lastIndexOf(':') + 1)} ` : ''}` +
    `${name.replace(/^\[(.*)\]:\d+$/, '$1')} >> ${file}\`)`
  );
}

/** One kept SSH connection; `channel()` opens a dial-stdio channel on it, connecting (again) when needed. */
function connection(target: SshTarget, tunnel: Tunnel) {
  let ready: Promise<Client> | undefined;
  const connect = () =>
    new Promise<Client>((resolve, reject) => {
      const client = new Client();
      const name = knownHostName(target.host, target.port);
      let refused: string | undefined;
      client
        .on('ready', () => {
          // An idle connection must not keep a CLI run alive; ssh2's own keepalive is a ref'd interval, so a dead
          // peer is noticed by TCP keepalive instead.
          const sock = (client as unknown as { _sock?: Socket })._sock;
          sock?.setKeepAlive?.(true, 15_000);
          sock?.unref?.();
          resolve(client);
        })
        .on('error', (error: Error) => {
          ready = undefined;
          reject(new Error(refused ?? `ssh to ${target.username}@${name}: ${error.message}`));
        })
        .on('close', () => {
          ready = undefined;
        })
        .connect({
          host: target.host,
          port: target.port,
          username: target.username,
          readyTimeout: 10_000,
          ...identity(target),
          hostVerifier: (key: Buffer) => {
            const verdict = verifyHostKey(readKnownHosts(target.home), name, key);
            if (verdict !== 'known') refused = verdictMessage(verdict, name, target.home);
            return verdict === 'known';
          },
        });
    });
  return async () => {
    ready ??= connect();
    const client = await ready;
    return new Promise<NodeJS.ReadWriteStream>((resolve, reject) =>
      client.exec('docker system dial-stdio', (error, stream) => {
        if (error) reject(error);
        else {
          tunnel.failure = undefined;
          resolve(stream);
        }
      }),
    );
  };
}

/** The private unix socket that reaches the engine at `target` (one per target per process). */
export function sshEngineSocket(target: SshTarget): string {
  const key = `${target.username}@${target.host}:${target.port}|${target.agent ?? ''}|${target.home}`;
  const known = tunnels.get(key);
  if (known) return known.socketPath;
  const dir = mkdtempSync(join(tmpdir(), 'mimo-ssh-'));
  const tunnel: Tunnel = {
    socketPath: join(dir, 'engine.sock'),
    endpoint: `ssh://${target.username}@${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`,
  };
  const channel = connection(target, tunnel);
  const server = createServer((local) => {
    local.unref();
    channel().then(
      (remote) => {
        local.pipe(remote).pipe(local);
        const end = () => local.destroy();
        remote.on('error', end).on('close', end);
        local.on('error', () => remote.end()).on('close', () => remote.end());
      },
      (error: Error) => {
        tunnel.failure = error.message;
        local.destroy();
      },
    );
  });
  server.listen(tunnel.socketPath);
  server.unref();
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  tunnels.set(key, tunnel);
  bySocket.set(tunnel.socketPath, tunnel);
  return tunnel.socketPath;
}

/** For an engine reached through an SSH tunnel: `ssh://…` as configured, and why its last connection failed. */
export function sshTunnelOf(socketPath: string): { endpoint: string; failure?: string } | undefined {
  return bySocket.get(socketPath);
}
