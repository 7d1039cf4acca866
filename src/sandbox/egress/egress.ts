import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { ownerLabels } from '../labels.js';
import { PROXY_SCRIPT } from './proxy-script.js';
import { hasDefaultBridge } from '../engine.js';

/** A label on the egress networks, so a sweep can find the ones a crashed process left behind. */
export const LABEL_EGRESS = 'dev.mimo.egress';
const PROXY_PORT = 3128;
const READY_TIMEOUT_MS = 20_000;

/** One connection attempt the proxy judged, as it logged it. */
export interface EgressDecision {
  ts: string;
  allow: boolean;
  method: string;
  host: string;
  port: number;
  reason?: string;
}

export interface Egress {
  /** The internal network (no route out) that a setup container joins instead of a bridge. */
  readonly network: string;
  /** Proxy variables for the setup command (both spellings: tools read one or the other). */
  readonly env: Record<string, string>;
  /** Every decision the proxy made so far (allowed and denied). */
  decisions(): Promise<EgressDecision[]>;
  close(): Promise<void>;
}

export interface OpenEgressOptions {
  docker: Docker;
  /** Image with `node` to run the proxy in (the runner image). */
  image: string;
  /** Host names (and `*.domain` patterns) the setup phase may reach. */
  allow: readonly string[];
  labels?: Record<string, string>;
}

/** The egress proxy could not be started: setup would have no network at all. */
export class EgressStartError extends Error {
  override name = 'EgressStartError';
}

/**
 * The engine has no default `bridge` network (e.g. a dockerd started with `--bridge none`), so an egress proxy there
 * would have no way out and every connection of the setup phase would hang until its own timeout.
 */
export class EgressUnavailableError extends EgressStartError {
  override name = 'EgressUnavailableError';
  constructor() {
    super(
      'the Docker engine has no default bridge network (is it started with `--bridge none`?), so the setup ' +
        "phase's egress proxy would have no way out: give that engine its bridge (dockerd's default), or set " +
        '`network: { setup: false }` in .github/mimo.yml and commit what setup would download',
    );
  }
}

function parseDecisions(logs: string): EgressDecision[] {
  const decisions: EgressDecision[] = [];
  for (const line of logs.split('\n')) {
    const start = line.indexOf('{');
    if (start < 0) continue;
    try {
      const entry = JSON.parse(line.slice(start)) as Partial<EgressDecision> & { ready?: boolean };
      if (!entry.ready && typeof entry.allow === 'boolean' && typeof entry.host === 'string')
        decisions.push(entry as EgressDecision);
    } catch {
      // a line that is not one of the proxy's decisions
    }
  }
  return decisions;
}

async function logsOf(container: Docker.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: false, follow: false })) as unknown as Buffer;
  // Non-TTY logs are multiplexed: 8-byte frame headers before each chunk.
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= raw.length;) {
    const size = raw.readUInt32BE(at + 4);
    out.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(out).toString('utf8');
}

async function waitReady(container: Docker.Container): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if ((await logsOf(container)).includes('"ready":true')) return;
    const state = (await container.inspect()).State;
    if (!state.Running) throw new EgressStartError(`the egress proxy exited (code ${state.ExitCode})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new EgressStartError(`the egress proxy did not start within ${READY_TIMEOUT_MS / 1000} s`);
}

/**
 * Starts the setup phase's way out: an internal network with no route anywhere, and a proxy container on it and on
 * the engine's default bridge that forwards only to allow-listed hosts with public addresses. A container on the
 * internal network reaches nothing but the proxy: not the host, not the engine API, not other containers, not
 * the cloud metadata address. Everything lives on the engine, so this works the same against a remote engine.
 * Throws EgressUnavailableError at once when the engine has no default bridge (nothing is created then).
 */
export async function openEgress(options: OpenEgressOptions): Promise<Egress> {
  const { docker } = options;
  if (!(await hasDefaultBridge(docker))) throw new EgressUnavailableError();
  const name = `mimo-egress-${randomBytes(6).toString('hex')}`;
  const labels = { ...ownerLabels(), ...options.labels, [LABEL_EGRESS]: '1' };
  // inhibit_ipv4: the bridge gets no address on the host, so the host's services (its gateway address, docker0,
  // the engine's API on TCP) are unreachable from the network; an internal network alone still reaches them.
  const network = await docker.createNetwork({
    Name: name,
    Internal: true,
    CheckDuplicate: true,
    Labels: labels,
    Options: { 'com.docker.network.bridge.inhibit_ipv4': 'true' },
  });
  let container: Docker.Container | undefined;
  const close = async () => {
    await container?.remove({ force: true }).catch(() => undefined);
    await network.remove().catch(() => undefined);
  };
  try {
    container = await docker.createContainer({
      name: `${name}-proxy`,
      Image: options.image,
      Cmd: ['node', '-e', PROXY_SCRIPT],
      User: '65534:65534',
      Env: [`MIMO_EGRESS_ALLOW=${options.allow.join(',')}`, `MIMO_EGRESS_PORT=${PROXY_PORT}`],
      Labels: labels,
      HostConfig: {
        Init: true,
        NetworkMode: 'bridge',
        ReadonlyRootfs: true,
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        Memory: 256 * 1024 * 1024,
        MemorySwap: 256 * 1024 * 1024,
        PidsLimit: 64,
        NanoCpus: 500_000_000,
      },
    });
    await network.connect({ Container: container.id });
    await container.start();
    await waitReady(container);
    const info = await container.inspect();
    const address = info.NetworkSettings.Networks[name]?.IPAddress;
    if (!address) throw new EgressStartError('the egress proxy has no address on its network');
    const url = `http://${address}:${PROXY_PORT}`;
    const proxied = container;
    return {
      network: name,
      env: {
        HTTP_PROXY: url,
        HTTPS_PROXY: url,
        http_proxy: url,
        https_proxy: url,
        NO_PROXY: '',
        no_proxy: '',
        // The JVM (Maven, Gradle) reads no proxy variables, only these properties.
        JAVA_TOOL_OPTIONS: `-Dhttp.proxyHost=${address} -Dhttp.proxyPort=${PROXY_PORT} -Dhttps.proxyHost=${address} -Dhttps.proxyPort=${PROXY_PORT}`,
      },
      decisions: async () => parseDecisions(await logsOf(proxied)),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Removes egress networks (and their proxies) whose owning process is gone. A network is removed only once no
 * container is attached to it; run it after the container sweep.
 */
export async function sweepEgress(
  docker: Docker,
  isDead: (labels: Record<string, string>) => boolean,
): Promise<string[]> {
  const removed: string[] = [];
  const proxies = await docker.listContainers({ all: true, filters: { label: [`${LABEL_EGRESS}=1`] } });
  for (const info of proxies)
    if (isDead(info.Labels ?? {}))
      await docker
        .getContainer(info.Id)
        .remove({ force: true })
        .catch(() => undefined);
  const networks = await docker.listNetworks({ filters: { label: [`${LABEL_EGRESS}=1`] } });
  for (const info of networks) {
    if (!isDead(info.Labels ?? {})) continue;
    try {
      await docker.getNetwork(info.Id).remove();
      removed.push(info.Name);
    } catch {
      // still in use by a container being removed: the next sweep takes it
    }
  }
  return removed;
}
