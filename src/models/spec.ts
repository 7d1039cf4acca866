// Model selection: one string from `.github/mimo.yml` (`model:`), `--model` or `MIMO_MODEL`. Keys come only from the
// environment, never from the repository's config.
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { AnthropicModel } from './anthropic.js';
import { ModelConfigError } from './errors.js';
import { OpenAIChatModel, type ToolProtocol } from './openai.js';
import { mergePricing, type PricingTable } from './pricing.js';
import { formatIssues } from './schema.js';
import type { RetryOptions } from './retry.js';
import { ScriptedModel } from './scripted.js';
import type { Model } from './types.js';

export type ModelSpec =
  | { provider: 'none' }
  | { provider: 'openai'; model: string }
  | { provider: 'anthropic'; model: string }
  | { provider: 'openai-compatible'; baseURL: string; model: string }
  | { provider: 'scripted'; file: string };

const FORMS =
  'openai:<model>, anthropic:<model>, openai-compatible:<baseURL>#<model>, scripted:<file> or none ' +
  '(e.g. openai:gpt-5.4, anthropic:claude-sonnet-5-5, openai-compatible:http://localhost:11434/v1#qwen3-coder)';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** Parses a selection string; the error says which forms are accepted. */
export function parseModelSpec(spec: string): ModelSpec {
  const text = spec.trim();
  if (text === 'none') return { provider: 'none' };
  const colon = text.indexOf(':');
  const provider = colon === -1 ? text : text.slice(0, colon);
  const rest = colon === -1 ? '' : text.slice(colon + 1).trim();
  const missing = (what: string) =>
    new ModelConfigError(`model "${spec}" names no ${what}; expected ${FORMS}`);
  switch (provider) {
    case 'openai':
    case 'anthropic':
      if (!rest) throw missing('model');
      return { provider, model: rest };
    case 'scripted':
      if (!rest) throw missing('file');
      return { provider, file: rest };
    case 'openai-compatible': {
      const hash = rest.lastIndexOf('#');
      const baseURL = hash === -1 ? rest : rest.slice(0, hash);
      const model = hash === -1 ? '' : rest.slice(hash + 1).trim();
      if (!/^https?:\/\/[^/\s]+/.test(baseURL)) throw missing('base URL (http:// or https://)');
      if (!model) throw missing('model after "#"');
      return { provider, baseURL: baseURL.replace(/\/+$/, ''), model };
    }
    default:
      throw new ModelConfigError(`unknown model provider "${provider}" in "${spec}"; expected ${FORMS}`);
  }
}

export interface CreateModelOptions {
  /** Model keys and MIMO_PRICING (readEnv's `models`; default none: scripted and keyless servers need none). */
  env?: Record<string, string | undefined>;
  /**
   * Price overrides per model name (or `provider:model`), merged over the built-in list prices and over
   * `MIMO_PRICING` (a JSON object of the same shape in the environment).
   */
  pricing?: PricingTable;
  /** Directory a relative `scripted:` path is resolved against (default the working directory). */
  baseDir?: string;
  /** For openai-compatible servers: `auto` (default) falls back to the text protocol when tools are rejected. */
  toolProtocol?: ToolProtocol;
  /** Retry tuning; tests inject `sleep` and `random`. */
  retry?: Omit<RetryOptions, 'signal' | 'remainingMs'>;
}

/** Builds the model a selection string names; `none` gives null (deterministic fixers only). */
export function createModel(spec: string, options: CreateModelOptions = {}): Model | null {
  const parsed = parseModelSpec(spec);
  const env = options.env ?? {};
  const pricing = mergePricing({ ...pricingFromEnv(env.MIMO_PRICING), ...options.pricing });
  const key = (name: string) => {
    const value = env[name]?.trim();
    if (!value) {
      throw new ModelConfigError(
        `${spec} needs an API key in the ${name} environment variable (keys are read only from the environment)`,
      );
    }
    return value;
  };
  switch (parsed.provider) {
    case 'none':
      return null;
    case 'scripted':
      return ScriptedModel.fromFile(
        isAbsolute(parsed.file) ? parsed.file : resolve(options.baseDir ?? process.cwd(), parsed.file),
      );
    case 'openai':
      return new OpenAIChatModel({
        provider: 'openai',
        model: parsed.model,
        baseURL: OPENAI_BASE_URL,
        apiKey: key('OPENAI_API_KEY'),
        keyEnv: 'OPENAI_API_KEY',
        pricing,
        toolProtocol: 'native',
        retry: options.retry,
      });
    case 'openai-compatible':
      return new OpenAIChatModel({
        provider: 'openai-compatible',
        model: parsed.model,
        baseURL: parsed.baseURL,
        // Local servers (Ollama, llama.cpp, vLLM) need no key; the SDK insists on a non-empty one.
        apiKey: env.MIMO_OPENAI_COMPATIBLE_API_KEY?.trim() || 'no-key',
        keyEnv: 'MIMO_OPENAI_COMPATIBLE_API_KEY',
        pricing,
        toolProtocol: options.toolProtocol ?? 'auto',
        retry: options.retry,
      });
    case 'anthropic':
      return new AnthropicModel({
        model: parsed.model,
        apiKey: key('ANTHROPIC_API_KEY'),
        pricing,
        retry: options.retry,
      });
  }
}

const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});
const pricingSchema = z.record(z.string(), priceSchema);

/** `MIMO_PRICING='{"my-model": {"input": 0.5, "output": 1.5}}'`: $ per million tokens. */
export function pricingFromEnv(text: string | undefined): PricingTable {
  if (!text?.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelConfigError(
      'MIMO_PRICING is not valid JSON; expected {"<model>": {"input": <$/Mtok>, "output": <$/Mtok>}}',
    );
  }
  const parsed = pricingSchema.safeParse(json);
  if (!parsed.success) {
    throw new ModelConfigError(`MIMO_PRICING: ${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}
