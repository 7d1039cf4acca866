export {
  loadConfig,
  parseConfig,
  validateConfig,
  defaultConfig,
  ConfigError,
  CONFIG_PATH,
  ALWAYS_DENIED,
  type MimoConfig,
  type ModelSelection,
} from './load.js';
export { configSchema, MODEL_PROVIDERS, DELIVERY_MODES } from './schema.js';
export { detectTestCommand, type DetectedTestCommand } from './detect.js';
export { inferSetup, type InferredSetup } from './setup.js';
export {
  applyCeilings,
  resolveCeilings,
  effectiveRuntime,
  withOperatorRuntime,
  defaultCeilings,
  describeClamp,
  hostResources,
  CEILING_VARIABLES,
  type Ceilings,
  type Clamp,
  type HostResources,
} from './ceilings.js';
export {
  readEnv,
  processEnv,
  applyDotEnv,
  EnvError,
  type MimoEnv,
  type EnvSource,
  type InboxSettings,
  type CeilingOverrides,
} from './env.js';
export { envSchema, CHILD_PROCESS_VARIABLES, GITHUB_MAX_PAYLOAD_BYTES } from './env-schema.js';
