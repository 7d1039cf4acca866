import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  openEgress,
  egressAllowList,
  EgressAllowError,
  type Egress,
} from '../../src/sandbox/egress/index.js';
import { runnerImageName, runSandboxed } from '../../src/sandbox/index.js';
import { tempWorkspace, removeWorkspaces } from './helpers.js';

const docker = new Docker();
const registryHost = new URL(execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim())
  .hostname;

/** Runs a Node script as the sandbox user in a container on the egress network; returns its JSON verdicts. */
async function probe(egress: Egress, script: string): Promise<Record<string, string>> {
  const container = await docker.createContainer({
    Image: runnerImageName(),
    User: '10001:10001',
    Cmd: ['node', '-e', script],
    Env: ['HOME=/tmp', ...Object.entries(egress.env).map(([k, v]) => `${k}=${v}`)],
    HostConfig: {
      NetworkMode: egress.network,
      CapDrop: ['ALL'],
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': 'rw' },
    },
  });
  try {
    await container.start();
    await container.wait();
    const raw = (await container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
    const text = raw.toString('utf8');
    const json = text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
    return JSON.parse(json) as Record<string, string>;
  } finally {
    await container.remove({ force: true });
  }
}

/** A node script that records what each attempt got: "ok", an HTTP status, or the error code. */
const PROBE = String.raw`
const net = require('node:net'); const http = require('node:http'); const { execFileSync } = require('node:child_process');
const proxy = new URL(process.env.HTTP_PROXY);
const out = {};
function tcp(host, port) { return new Promise((r) => { const s = net.connect({ host, port, timeout: 3000 }, () => { s.destroy(); r('connected'); }); s.on('error', (e) => r(e.code)); s.on('timeout', () => { s.destroy(); r('timeout'); }); }); }
function connect(target) { return new Promise((r) => { const q = http.request({ host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: target }); q.on('connect', (res, s) => { s.destroy(); r(String(res.statusCode)); }); q.on('error', (e) => r(e.code)); q.end(); }); }
function get(url) { return new Promise((r) => { const q = http.request({ host: proxy.hostname, port: proxy.port, path: url, headers: { host: new URL(url).host } }, (res) => { res.resume(); r(String(res.statusCode)); }); q.on('error', (e) => r(e.code)); q.end(); }); }
(async () => {
  try { out.npm = execFileSync('npm', ['view', 'is-number', 'version'], { encoding: 'utf8', timeout: 60000 }).trim(); } catch (e) { out.npm = 'failed: ' + String(e.stderr || e.message).slice(-300); }
  out.metadataViaProxy = await get('http://169.254.169.254/latest/meta-data/');
  out.loopbackViaProxy = await connect('127.0.0.1:443');
  out.unlistedViaProxy = await connect('example.com:443');
  out.wrongPortViaProxy = await connect(process.env.REGISTRY + ':22');
  out.hostBridgeDirect = await tcp('172.17.0.1', Number(process.env.HOST_PORT));
  out.metadataDirect = await tcp('169.254.169.254', 80);
  console.log(JSON.stringify(out));
})();`;

describe('egress proxy for the setup phase', () => {
  let egress: Egress;
  let hostServer: Server;

  beforeAll(async () => {
    hostServer = createServer((_req, res) => res.end('host service'));
    await new Promise<void>((r) => hostServer.listen(0, '0.0.0.0', r));
    egress = await openEgress({ docker, image: runnerImageName(), allow: egressAllowList([registryHost]) });
  }, 60_000);

  afterAll(async () => {
    await egress?.close();
    await new Promise((r) => hostServer?.close(r));
  });

  it('reaches the package registry through the proxy and nothing else: not the host, not the metadata address, not an unlisted host', async () => {
    const port = (hostServer.address() as AddressInfo).port;
    const result = await probe(
      egress,
      `process.env.HOST_PORT='${port}';process.env.REGISTRY='${registryHost}';${PROBE}`,
    );
    expect(result.npm).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result.metadataViaProxy).toBe('403');
    expect(result.loopbackViaProxy).toBe('403');
    expect(result.unlistedViaProxy).toBe('403');
    expect(result.wrongPortViaProxy).toBe('403');
    expect(result.hostBridgeDirect).not.toBe('connected');
    expect(result.metadataDirect).not.toBe('connected');

    const decisions = await egress.decisions();
    expect(decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ allow: true, host: registryHost, port: 443 }),
        expect.objectContaining({
          allow: false,
          host: '169.254.169.254',
          reason: 'host is not on the allow-list',
        }),
        expect.objectContaining({
          allow: false,
          host: 'example.com',
          reason: 'host is not on the allow-list',
        }),
        expect.objectContaining({ allow: false, host: registryHost, port: 22 }),
      ]),
    );
  }, 120_000);

  it('leaves no network or proxy container behind when closed', async () => {
    const other = await openEgress({ docker, image: runnerImageName(), allow: egressAllowList() });
    await other.close();
    const networks = await docker.listNetworks({ filters: { name: [other.network] } });
    expect(networks).toHaveLength(0);
    const proxies = await docker.listContainers({ all: true, filters: { name: [`${other.network}-proxy`] } });
    expect(proxies).toHaveLength(0);
  }, 60_000);
});

describe('egress allow-list', () => {
  it('adds a repository host to the defaults and refuses IPs, URLs and ports', () => {
    expect(egressAllowList(['npm.acme.internal'])).toEqual(
      expect.arrayContaining(['npm.acme.internal', 'pypi.org']),
    );
    expect(() => egressAllowList(['10.0.0.5'])).toThrow(EgressAllowError);
    expect(() => egressAllowList(['https://evil.example'])).toThrow(/not a host name/);
    expect(() => egressAllowList(['evil.example:8080'])).toThrow(EgressAllowError);
    expect(egressAllowList(['*.Acme.dev'])).toContain('*.acme.dev');
  });
});

describe('the setup phase of a sandboxed run', () => {
  afterAll(() => removeWorkspaces());

  it('installs from the registry through the proxy, cannot reach the host or the metadata address, logs what was refused, and tests run offline', async () => {
    const events: { message: string }[] = [];
    const script = [
      'npm view is-number version',
      // Direct connections bypassing the proxy: no route from the internal network.
      `node -e "const s=require('net').connect({host:'169.254.169.254',port:80,timeout:3000});s.on('connect',()=>{console.log('METADATA-REACHED');process.exit(0)});s.on('error',()=>process.exit(0));s.on('timeout',()=>process.exit(0))"`,
      // Through the proxy, to a host that is not on the list (refused and logged).
      `node -e "const r=require('http').request({host:new URL(process.env.HTTP_PROXY).hostname,port:new URL(process.env.HTTP_PROXY).port,method:'CONNECT',path:'example.com:443'});r.on('connect',(res)=>{console.log('unlisted:'+res.statusCode);process.exit(0)});r.end()"`,
    ].join(' && ');
    const { setup, offline } = await runSandboxed(
      {
        workspace: tempWorkspace(),
        policy: { allowSetupNetwork: true, egressAllow: egressAllowList([registryHost]) },
        setup: { command: script, network: true },
        reporter: { event: (e) => events.push(e) },
      },
      async ({ sandbox, setup }) => ({
        setup,
        offline: await sandbox.exec('npm view is-number version', { timeoutMs: 60_000 }),
      }),
    );
    expect(setup?.exitCode).toBe(0);
    expect(setup?.output).toMatch(/^\d+\.\d+\.\d+$/m);
    expect(setup?.output).not.toContain('METADATA-REACHED');
    expect(setup?.output).toContain('unlisted:403');
    expect(events[0]?.message).toMatch(
      /egress refused 1 connection\(s\): example\.com:443 \(host is not on the allow-list\)/,
    );
    expect(offline.exitCode).not.toBe(0);
  }, 180_000);
});
