import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineConfigError } from './errors.js';

/**
 * An environment holding the variables that name the engine, as the docker CLI reads them: DOCKER_HOST,
 * DOCKER_TLS_VERIFY, DOCKER_CERT_PATH (and SSH_AUTH_SOCK for ssh://). The process environment (config's `processEnv()`) is one.
 */
export type EngineEnv = Readonly<Record<string, string | undefined>>;

/** Where the client connects, for messages: a password in DOCKER_HOST (`ssh://user:pw@host`) is never shown. */
export function engineEndpointOf(env: EngineEnv): string {
  const host = env['DOCKER_HOST'] || 'unix:///var/run/docker.sock';
  return host.replace(/^([a-z]+:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

function certFiles(host: string, dir: string): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (file: string) => {
    try {
      return readFileSync(join(dir, file));
    } catch (error) {
      throw new EngineConfigError(
        host,
        `DOCKER_TLS_VERIFY is set but ${join(dir, file)} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}): ` +
          'put ca.pem, cert.pem and key.pem there, or point DOCKER_CERT_PATH at the folder that has them',
      );
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}

/**
 * dockerode's connection options for the engine these variables name, read the way the docker CLI reads them:
 * no DOCKER_HOST is the local socket; `unix://PATH`; `tcp://HOST[:PORT]` (or `HOST:PORT`) over plain HTTP, or over
 * TLS when DOCKER_TLS_VERIFY is set to anything (the server is verified against DOCKER_CERT_PATH/ca.pem, default
 * ~/.docker, and cert.pem + key.pem are the client's) or when the port is 2376; `ssh://USER@HOST[:PORT]` (which
 * dockerClient reaches through engine-ssh.ts's kept connection, never dockerode's own SSH transport). Every field is set, so nothing of the process's own environment leaks in through dockerode's defaults.
 * Throws EngineConfigError (an EngineUnreachableError) when the value cannot name an engine.
 */
export function engineOptions(env: EngineEnv): Docker.DockerOptions {
  const host = engineEndpointOf(env);
  const unset = {
    host: undefined,
    port: undefined,
    socketPath: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
  } as const;
  if (!env['DOCKER_HOST']) return { ...unset, socketPath: '/var/run/docker.sock' };
  if (host.startsWith('unix://')) {
    const path = host.slice('unix://'.length);
    if (!path.startsWith('/'))
      throw new EngineConfigError(host, 'a unix:// DOCKER_HOST needs an absolute socket path');
    return { ...unset, socketPath: path };
  }
  let url: URL;
  try {
    url = new URL(host.includes('://') ? host : `tcp://${host}`);
  } catch {
    throw new EngineConfigError(host, 'DOCKER_HOST is not a URL such as tcp://engine.example:2376');
  }
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1'); // an IPv6 literal without its brackets
  if (!hostname) throw new EngineConfigError(host, 'DOCKER_HOST names no host');
  if (url.protocol === 'ssh:') {
    return {
      ...unset,
      protocol: 'ssh',
      host: hostname,
      port: url.port || 22,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      sshOptions: env['SSH_AUTH_SOCK'] ? { agent: env['SSH_AUTH_SOCK'] } : {},
    };
  }
  if (url.protocol !== 'tcp:') {
    throw new EngineConfigError(
      host,
      `DOCKER_HOST scheme ${url.protocol} is not one of unix://, tcp:// or ssh:// (for TLS use tcp:// with DOCKER_TLS_VERIFY=1)`,
    );
  }
  const verify = Boolean(env['DOCKER_TLS_VERIFY']);
  const port = url.port || (verify ? '2376' : '2375');
  if (!verify) return { ...unset, protocol: port === '2376' ? 'https' : 'http', host: hostname, port };
  const dir = env['DOCKER_CERT_PATH'] || join(homedir(), '.docker');
  return { ...unset, protocol: 'https', host: hostname, port, ...certFiles(host, dir) };
}
