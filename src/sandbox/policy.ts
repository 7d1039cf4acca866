import { egressAllowList } from './egress/index.js';
/**
 * What the sandbox allows. The hardening itself (non-root user, every capability dropped, no-new-privileges,
 * read-only root filesystem, no host environment) is not a setting: only sizes, the command timeout and the
 * network-for-setup switch can be changed, by the repository's `.github/mimo.yml` (see policyFromConfig).
 */
export interface SandboxPolicy {
  /** Memory limit in bytes (swap included: no swap beyond it). */
  memoryBytes: number;
  /** CPU limit in cores (may be fractional). */
  cpus: number;
  /** Most processes/threads alive at once in the container. */
  pidsLimit: number;
  /** Soft and hard limit of open files per process. */
  nofile: number;
  /** Size of the tmpfs mounted on /tmp (counts against the memory limit as it fills). */
  tmpBytes: number;
  /** Size of the tmpfs HOME (caches of pip, npm, go, cargo). */
  homeBytes: number;
  /**
   * Size of the workspace (a tmpfs volume inside the engine, filled by the archive copy and by the commands):
   * a command that writes past it gets "No space left on device", never the host's disk.
   */
  diskBytes: number;
  /** Most files and folders the workspace may hold (the volume's inode limit). */
  maxFiles: number;
  /** Whether `setNetwork(true)` is allowed (dependency install phase). Tests always run with network `none`. */
  allowSetupNetwork: boolean;
  /**
   * Host names (and `*.domain` patterns) the setup phase may reach through the egress proxy: the package
   * registries by default, plus the repository's `network.allow`. Nothing else is reachable, ever.
   */
  egressAllow: string[];
  /** Default wall-clock limit of one command. */
  commandTimeoutMs: number;
  /** Default bytes kept of each of stdout and stderr (head + tail). */
  maxOutputBytes: number;
  /**
   * Who commands run as: the workspace owner (default), or an explicit uid/gid. Root (0) is never used: a
   * root-owned workspace is handed to `fallbackUid`:`fallbackGid` (see docs/sandbox.md).
   */
  user: 'workspace-owner' | { uid: number; gid: number };
  fallbackUid: number;
  fallbackGid: number;
  /**
   * The OCI runtime of the test phase's container: `runc` (the engine's default) or `runsc` (gVisor: the commands
   * talk to gVisor's own kernel, not the host's). Under runsc a networked setup runs in a runc sibling container
   * on the same workspace and HOME volumes (docs/sandbox.md, "gVisor").
   */
  runtime: SandboxRuntime;
}

export const SANDBOX_RUNTIMES = ['runc', 'runsc'] as const;
export type SandboxRuntime = (typeof SANDBOX_RUNTIMES)[number];

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function defaultPolicy(): SandboxPolicy {
  return {
    memoryBytes: 2 * GiB,
    cpus: 2,
    pidsLimit: 512,
    nofile: 4096,
    tmpBytes: 1 * GiB,
    homeBytes: 1 * GiB,
    diskBytes: 4 * GiB,
    maxFiles: 500_000,
    allowSetupNetwork: false,
    egressAllow: egressAllowList(),
    commandTimeoutMs: 10 * 60 * 1000,
    maxOutputBytes: 1 * MiB,
    user: 'workspace-owner',
    fallbackUid: 10001,
    fallbackGid: 10001,
    runtime: 'runc',
  };
}

/**
 * The parts of MimoConfig (config/, from `.github/mimo.yml`) the policy reads; structural so that the sandbox
 * does not depend on config/.
 */
export interface PolicyConfigInput {
  network?: { setup?: boolean; allow?: readonly string[] };
  limits?: { commandTimeoutSeconds?: number };
  sandbox?: {
    memoryMb?: number;
    cpus?: number;
    pids?: number;
    diskMb?: number;
    runtime?: SandboxRuntime;
  };
}

/** The policy for a repository: the defaults, then what its config may change (sizes, setup network, timeout). */
export function policyFromConfig(
  config: PolicyConfigInput,
  base: SandboxPolicy = defaultPolicy(),
): SandboxPolicy {
  const s = config.sandbox ?? {};
  const timeout = config.limits?.commandTimeoutSeconds;
  return resolvePolicy({
    ...base,
    memoryBytes: s.memoryMb !== undefined ? s.memoryMb * MiB : base.memoryBytes,
    cpus: s.cpus ?? base.cpus,
    pidsLimit: s.pids ?? base.pidsLimit,
    diskBytes: s.diskMb !== undefined ? s.diskMb * MiB : base.diskBytes,
    allowSetupNetwork: config.network?.setup ?? base.allowSetupNetwork,
    egressAllow: config.network?.allow ? egressAllowList(config.network.allow) : base.egressAllow,
    commandTimeoutMs: timeout !== undefined ? timeout * 1000 : base.commandTimeoutMs,
    runtime: s.runtime ?? base.runtime,
  });
}

/** Merges caller overrides into the defaults and rejects values that would void the protection. */
export function resolvePolicy(overrides: Partial<SandboxPolicy> = {}): SandboxPolicy {
  const policy = { ...defaultPolicy(), ...overrides };
  const positive: (keyof SandboxPolicy)[] = [
    'memoryBytes',
    'cpus',
    'pidsLimit',
    'nofile',
    'tmpBytes',
    'homeBytes',
    'diskBytes',
    'maxFiles',
    'commandTimeoutMs',
    'maxOutputBytes',
  ];
  for (const key of positive) {
    const value = policy[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new Error(`sandbox policy: ${key} must be a positive number, got ${JSON.stringify(value)}`);
    }
  }
  if (typeof policy.user === 'object' && (policy.user.uid === 0 || policy.user.gid === 0)) {
    throw new Error('sandbox policy: commands never run as root (uid/gid 0)');
  }
  if (!SANDBOX_RUNTIMES.includes(policy.runtime)) {
    throw new Error(`sandbox policy: runtime must be runc or runsc, got ${JSON.stringify(policy.runtime)}`);
  }
  if (policy.fallbackUid === 0 || policy.fallbackGid === 0) {
    throw new Error('sandbox policy: the fallback user may not be root');
  }
  return policy;
}
