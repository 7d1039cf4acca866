export type { Sandbox, SandboxFiles, FileKind, ExecOptions, ExecResult } from './types.js';
export { openDockerSandbox, withDockerSandbox, type DockerSandboxOptions } from './docker.js';
export { LABEL_POOL, WarmPool, type PoolOpen, type WarmPoolOptions } from './pool.js';
export {
  defaultPolicy,
  resolvePolicy,
  policyFromConfig,
  type SandboxPolicy,
  type PolicyConfigInput,
  type SandboxRuntime,
  SANDBOX_RUNTIMES,
} from './policy.js';
export { buildImages, type BuildProgress, type BuildImagesOptions, type BuiltImage } from './images.js';
export {
  runnerImageName,
  baseImageName,
  runnerDockerfile,
  runnerContext,
  RUNNER_PACKAGES,
  RUNNER_NPM_GLOBALS,
} from './recipes.js';
export { sweepContainers, type SweepOptions } from './sweep.js';
export { ensureRunnerImage, ensureFamilyImage } from './ensure.js';
export {
  FAMILIES,
  familyImageName,
  familyOfActions,
  familyOfRunner,
  type Family,
} from './recipes-ecosystems.js';
export { dockerClient, engineEndpoint, assertEngineReachable, imageExists } from './engine.js';
export { engineOptions, type EngineEnv } from './engine-config.js';
export { CappedOutput } from './output.js';
export {
  EngineUnreachableError,
  EngineConfigError,
  ImageMissingError,
  RuntimeMissingError,
  EngineLimitsError,
  WorkspaceMissingError,
  NetworkNotAllowedError,
  SandboxDisposedError,
  ImageBuildError,
  RunnerLostError,
  SandboxLostError,
  SandboxFileError,
  type SandboxFileReason,
} from './errors.js';
export {
  engineError,
  isNotFound,
  isConflict,
  ignoreGone,
  EngineRequestError,
  EngineNotFoundError,
  EngineConflictError,
} from './engine-errors.js';
export { NOT_COPIED } from './copy.js';
export { TOOL_ENV } from './tool-env.js';
export { EgressStartError, EgressUnavailableError } from './egress/index.js';
export {
  runSandboxed,
  type SandboxedRunOptions,
  type SandboxedRun,
  type SetupSpec,
  type SetupOutcome,
  type SetupEvent,
} from './run.js';
