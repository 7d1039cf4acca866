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
  ceilingsFromEnv,
  effectiveRuntime,
  withOperatorRuntime,
  defaultCeilings,
  describeClamp,
  hostResources,
  CeilingsError,
  CEILING_VARIABLES,
  type Ceilings,
  type Clamp,
  type HostResources,
} from './ceilings.js';
export { readEnv, envSchema, EnvError, operatorSandboxRuntime, type MimoEnv, type EnvSource } from './env.js';
