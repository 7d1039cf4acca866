// The model organ: one `Model` interface over OpenAI, Anthropic, any OpenAI-compatible server and scripted replays,
// with retries, prices and budgets. Other organs import only this file.
export type * from './types.js';
export {
  createModel,
  parseModelSpec,
  OPENAI_BASE_URL,
  type CreateModelOptions,
  type ModelSpec,
} from './spec.js';
export { OpenAIChatModel, type OpenAIModelOptions, type ToolProtocol } from './openai.js';
export { AnthropicModel, type AnthropicModelOptions } from './anthropic.js';
export { ScriptedModel, parseScript, ScriptedTurnSchema, type ScriptedTurn } from './scripted.js';
export { toolsToJsonSchema, validateToolCall, type JsonTool, type JsonSchemaObject } from './schema.js';
export { parseTextToolCalls, textProtocolMessages, textProtocolSystem } from './text-protocol.js';
export { withRetry, retryDelay, sleep, type RetryOptions, type RetryEvent } from './retry.js';
export {
  DEFAULT_PRICES,
  costOf,
  findPrice,
  mergePricing,
  type ModelPrice,
  type PricingTable,
  type Priced,
} from './pricing.js';
export { ModelError, ModelConfigError, parseRetryAfter, redact, type ModelErrorKind } from './errors.js';
export { withBudget, estimateInputTokens, priceFromId, type PricedModel } from './budget.js';
