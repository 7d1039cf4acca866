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
export { configSchema, MODEL_PROVIDERS } from './schema.js';
export { detectTestCommand, type DetectedTestCommand } from './detect.js';
export { inferSetup, type InferredSetup } from './setup.js';
