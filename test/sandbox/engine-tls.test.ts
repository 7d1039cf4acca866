// DOCKER_HOST as the docker CLI reads it, and a remote engine over TCP with mutual TLS: this machine's engine behind
// a real TLS endpoint (certificates made by openssl here, client certificates required), reached by the library and
// by the built `mimo exec` with DOCKER_HOST=tcp://127.0.0.1:PORT, DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH.
import { jest } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import {
  assertEngineReachable,
  dockerClient,
  EngineConfigError,
  EngineUnreachableError,
  engineOptions,
  withDockerSandbox,
} from '../../src/sandbox/index.js';
import { runMimo } from '../helpers/mimo-cli.js';

jest.setTimeout(60_000);
const dir = mkdtempSync(join(tmpdir(), 'mimo-engine-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A CA in `name/ca.pem`, and a certificate it signed for `cn` with the given extensions. */
function issue(ca: string, name: string, cn: string, ext: string): void {
  mkdirSync(join(dir, name), { recursive: true });
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(
    'req',
    '-new',
    '-nodes',
    '-newkey',
    'rsa:2048',
    '-subj',
    `/CN=${cn}`,
    '-keyout',
    `${name}/key.pem`,
    '-out',
    `${name}.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}-ca.pem`,
    '-CAkey',
    `${ca}-ca.key`,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}/cert.pem`,
  );
  writeFileSync(join(dir, name, 'ca.pem'), readFileSync(join(dir, `${ca}-ca.pem`)));
}

function makeCa(ca: string): void {
  openssl(
    'req',
    '-x509',
    '-new',
    '-nodes',
    '-newkey',
    'rsa:2048',
    '-subj',
    `/CN=${ca} CA`,
    '-days',
    '2',
    '-keyout',
    `${ca}-ca.key`,
    '-out',
    `${ca}-ca.pem`,
  );
}

describe('engineOptions (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', () => {
  it('reads the forms the docker CLI takes', () => {
    expect(engineOptions({})).toMatchObject({ socketPath: '/var/run/docker.sock', host: undefined });
    expect(engineOptions({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toMatchObject({
      socketPath: '/run/user/1000/docker.sock',
      host: undefined,
    });
    expect(engineOptions({ DOCKER_HOST: 'tcp://engine.example' })).toMatchObject({
      protocol: 'http',
      host: 'engine.example',
      port: '2375',
      socketPath: undefined,
    });
    expect(engineOptions({ DOCKER_HOST: 'engine.example:2376' })).toMatchObject({
      protocol: 'https',
      port: '2376',
      ca: undefined,
    });
    expect(engineOptions({ DOCKER_HOST: 'tcp://[::1]:2375' })).toMatchObject({ host: '::1', port: '2375' });
    expect(
      engineOptions({ DOCKER_HOST: 'ssh://ops@engine.example', SSH_AUTH_SOCK: '/run/agent' }),
    ).toMatchObject({
      protocol: 'ssh',
      host: 'engine.example',
      port: 22,
      username: 'ops',
      sshOptions: { agent: '/run/agent' },
    });
  });

  it('names what is wrong, as an EngineUnreachableError', () => {
    const wrong = (env: Record<string, string>) => {
      try {
        engineOptions(env);
      } catch (error) {
        expect(error).toBeInstanceOf(EngineConfigError);
        expect(error).toBeInstanceOf(EngineUnreachableError);
        return (error as Error).message;
      }
      throw new Error('no error');
    };
    expect(wrong({ DOCKER_HOST: 'https://engine.example:2376' })).toMatch(
      /scheme https: is not one of unix:\/\/, tcp:\/\/ or ssh:\/\//,
    );
    expect(wrong({ DOCKER_HOST: 'unix://docker.sock' })).toMatch(/absolute socket path/);
    // a password in DOCKER_HOST never reaches a message (job failures are posted on the pull request)
    const leaked = wrong({ DOCKER_HOST: 'ftp://ops:hunter2@engine.example' });
    expect(leaked).toMatch(/at ftp:\/\/ops:\*\*\*@engine\.example \(/);
    expect(leaked).not.toContain('hunter2');
    expect(wrong({ DOCKER_HOST: 'tcp://', DOCKER_TLS_VERIFY: '1' })).toMatch(/not a URL|names no host/);
    expect(
      wrong({
        DOCKER_HOST: 'tcp://engine:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: join(dir, 'none'),
      }),
    ).toMatch(
      /at tcp:\/\/engine:2376 \(DOCKER_TLS_VERIFY is set but .*none\/ca\.pem cannot be read \(ENOENT\)/,
    );
  });
});

describe('a remote engine over TCP with mutual TLS', () => {
  let server: Server;
  let dockerHost: string;
  beforeAll(async () => {
    makeCa('good');
    makeCa('other');
    issue('good', 'server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    issue('good', 'client', 'mimo', 'extendedKeyUsage=clientAuth\n');
    issue('other', 'stranger', 'mimo', 'extendedKeyUsage=clientAuth\n');
    // the stranger trusts the right server CA, but its own certificate is signed by another CA
    writeFileSync(join(dir, 'stranger/ca.pem'), readFileSync(join(dir, 'good-ca.pem')));
    server = createServer(
      {
        key: readFileSync(join(dir, 'server/key.pem')),
        cert: readFileSync(join(dir, 'server/cert.pem')),
        ca: readFileSync(join(dir, 'good-ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (tls) => {
        const engine = connect('/var/run/docker.sock');
        tls.pipe(engine).pipe(tls);
        const end = () => (tls.destroy(), engine.destroy());
        tls.on('error', end).on('close', end);
        engine.on('error', end).on('close', end);
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    dockerHost = `tcp://127.0.0.1:${address.port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const env = (certs: string) => ({
    DOCKER_HOST: dockerHost,
    DOCKER_TLS_VERIFY: '1',
    DOCKER_CERT_PATH: join(dir, certs),
  });

  it('opens a sandbox through it: the copy, the resident runner and the archive reads all go over TLS', async () => {
    const docker = dockerClient(env('client'));
    await assertEngineReachable(docker);
    const ws = mkdtempSync(join(tmpdir(), 'mimo-engine-tls-ws-'));
    try {
      writeFileSync(join(ws, 'in.txt'), 'over tls\n');
      const out = await withDockerSandbox({ workspace: ws, docker }, async (sandbox) => {
        const run = await sandbox.exec('cat in.txt; echo edited > in.txt');
        return { run, read: (await sandbox.readFile('in.txt'))?.toString() };
      });
      expect(out.run).toMatchObject({ exitCode: 0, stdout: 'over tls\n' });
      expect(out.read).toBe('edited\n');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('`mimo exec` works with DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'mimo-engine-tls-ws-'));
    try {
      writeFileSync(join(ws, 'in.txt'), 'cli over tls\n');
      const result = await runMimo(['exec', '--repo', ws, '--', 'cat in.txt'], env('client'));
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 0, stdout: 'cli over tls\n' });
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('is unreachable with a client certificate of another CA, or without TLS', async () => {
    await expect(assertEngineReachable(dockerClient(env('stranger')))).rejects.toThrow(
      EngineUnreachableError,
    );
    await expect(assertEngineReachable(dockerClient({ DOCKER_HOST: dockerHost }), 3000)).rejects.toThrow(
      new RegExp(`cannot reach the Docker engine at ${dockerHost}`),
    );
  });
});
