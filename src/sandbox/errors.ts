/** Errors of the sandbox organ: each message says what went wrong and what the user can do about it. */

/** The Docker engine could not be reached (not running, wrong DOCKER_HOST, no permission on the socket). */
export class EngineUnreachableError extends Error {
  override name = 'EngineUnreachableError';
  constructor(
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(
      `cannot reach the Docker engine at ${endpoint} (${reason}). Start it (e.g. \`sudo systemctl start docker\`), ` +
        `make sure this user may use its socket (the \`docker\` group), or point DOCKER_HOST at a reachable engine ` +
        `(e.g. DOCKER_HOST=tcp://build-host:2376 with DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH). See docs/sandbox.md.`,
    );
  }
}

/**
 * DOCKER_HOST (with DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) cannot name an engine: a malformed URL, an unknown scheme,
 * unreadable certificates. An EngineUnreachableError, so every caller that reports an unreachable engine reports it.
 */
export class EngineConfigError extends EngineUnreachableError {
  override name = 'EngineConfigError';
}

/** The image asked for is not on the engine; nothing is ever pulled from a registry. */
export class ImageMissingError extends Error {
  override name = 'ImageMissingError';
  constructor(readonly image: string) {
    super(
      `image ${image} is not on the Docker engine: run \`mimo images build\` to build the runner images, ` +
        `or name an image the engine has (--image NAME, or \`image:\` in .github/mimo.yml)`,
    );
  }
}

/**
 * The engine would silently drop the sandbox's memory, pids or CPU limit (a rootless engine without cgroup v2
 * delegation reports `Cgroup Driver: none`), so a test's fork or memory bomb would reach its machine.
 */
export class EngineLimitsError extends Error {
  override name = 'EngineLimitsError';
  constructor(
    readonly endpoint: string,
    readonly missing: readonly string[],
  ) {
    super(
      `the Docker engine at ${endpoint} cannot enforce the sandbox's ${missing.join(', ')} limit` +
        `${missing.length > 1 ? 's' : ''} (\`docker info\` reports no support; a rootless engine needs cgroup v2 with ` +
        `delegation), so no sandbox is opened on it. Use an engine with cgroups, or set MIMO_ALLOW_UNLIMITED_ENGINE=true ` +
        `to run without those limits. See docs/sandbox.md, "Engines".`,
    );
  }
}

/** `sandbox.runtime: runsc` (or MIMO_SANDBOX_RUNTIME=runsc) on an engine that has no such runtime registered. */
export class RuntimeMissingError extends Error {
  override name = 'RuntimeMissingError';
  constructor(
    readonly runtime: string,
    readonly available: readonly string[],
  ) {
    super(
      `the Docker engine has no ${runtime} runtime (it has: ${available.join(', ') || 'none listed'}). Install gVisor ` +
        `(Debian: \`apt-get install runsc\`), add {"runtimes":{"runsc":{"path":"/usr/bin/runsc","runtimeArgs":` +
        `["--network=none"]}}} to /etc/docker/daemon.json and send dockerd SIGHUP (.ci/runsc does both), or set ` +
        `\`sandbox.runtime: runc\` / MIMO_SANDBOX_RUNTIME=runc. See docs/sandbox.md, "gVisor".`,
    );
  }
}

/** The workspace to mount does not exist or is not a directory. */
export class WorkspaceMissingError extends Error {
  override name = 'WorkspaceMissingError';
  constructor(readonly workspace: string) {
    super(`workspace ${workspace} does not exist or is not a directory`);
  }
}

/** Network was asked for while the policy forbids it (the repo's config does not allow a networked setup). */
export class NetworkNotAllowedError extends Error {
  override name = 'NetworkNotAllowedError';
  constructor() {
    super(
      'network access is not allowed by the sandbox policy (set `network: { setup: true }` in .github/mimo.yml)',
    );
  }
}

/** A sandbox was used after dispose(). */
export class SandboxDisposedError extends Error {
  override name = 'SandboxDisposedError';
  constructor() {
    super('the sandbox has been disposed; open a new one');
  }
}

/** Building a runner image failed; the message carries the step and the tail of its output. */
export class ImageBuildError extends Error {
  override name = 'ImageBuildError';
}

/** The resident runner of a sandbox died (e.g. a command killed it) or its input was tampered with. */
export class RunnerLostError extends Error {
  override name = 'RunnerLostError';
  constructor(readonly reason: string) {
    super(`the sandbox's runner was lost: ${reason}`);
  }
}

/** The sandbox's container stopped and its in-container workspace with it: open a new sandbox. */
export class SandboxLostError extends Error {
  override name = 'SandboxLostError';
  constructor(readonly reason: string) {
    super(
      `the sandbox's container stopped (${reason}); its workspace is gone: open a new sandbox (run the job again)`,
    );
  }
}

/** Why a file operation inside the sandbox was refused. */
export type SandboxFileReason =
  'missing' | 'isdir' | 'symlink' | 'outside' | 'broken' | 'special' | 'too-large' | 'error';

/** A file operation inside the sandbox's workspace was refused; `reason` says why. */
export class SandboxFileError extends Error {
  override name = 'SandboxFileError';
  constructor(
    readonly path: string,
    readonly reason: SandboxFileReason,
  ) {
    super(`${path}: ${SANDBOX_FILE_MESSAGES[reason]}`);
  }
}

const SANDBOX_FILE_MESSAGES: Record<SandboxFileReason, string> = {
  missing: 'does not exist',
  isdir: 'is a directory; use list_files',
  symlink: 'is a symlink; name the file it points to',
  outside: 'leads outside the workspace',
  broken: 'goes through a broken symlink',
  special: 'is not a regular file',
  'too-large': 'is too large',
  error: 'cannot be accessed (no space left, or not permitted)',
};
