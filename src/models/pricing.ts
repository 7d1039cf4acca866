// Dollars per call from token usage. List prices in USD per million tokens, checked 2026-11 against the providers'
// pricing pages (OpenAI, Anthropic, DeepSeek). Override or extend them with `pricing:` in `.github/mimo.yml`
// (passed to createModel). A model not in the table costs 0 and is reported with `priced: false`.
import type { Usage } from './types.js';

export interface ModelPrice {
  /** Uncached input, $ per million tokens. */
  input: number;
  output: number;
  /** Input read from the prompt cache (defaults to `input`). */
  cacheRead?: number;
  /** Input written to the prompt cache (defaults to `input`); Anthropic's 5-minute write price. */
  cacheWrite?: number;
  /** Prices that apply to every token of a call whose prompt is longer than `thresholdTokens` (Haiku 5.5). */
  longPrompt?: { thresholdTokens: number } & Omit<ModelPrice, 'longPrompt'>;
}

/** Keys are model names as sent to the API, or `provider:model` to price one provider's model only. */
export type PricingTable = Record<string, ModelPrice>;

const anthropic = (
  input: number,
  output: number,
  cacheRead: number,
  cacheWrite = input * 1.25,
): ModelPrice => ({
  input,
  output,
  cacheRead,
  cacheWrite,
});
const openai = (input: number, output: number, cacheRead = input / 10): ModelPrice => ({
  input,
  output,
  cacheRead,
  cacheWrite: input * 1.25,
});

export const DEFAULT_PRICES: PricingTable = {
  // Anthropic (platform.claude.com pricing; 5-minute cache writes at 1.25x input).
  'claude-fable-5-1': anthropic(10, 50, 0.25),
  'claude-mythos-5-1': anthropic(10, 50, 0.25),
  'claude-fable-5': anthropic(10, 50, 1),
  'claude-mythos-5': anthropic(10, 50, 1),
  'claude-opus-5-5': anthropic(4, 20, 0.2),
  'claude-opus-5': anthropic(5, 25, 0.5),
  'claude-opus-4-8': anthropic(5, 25, 0.5),
  'claude-opus-4-7': anthropic(5, 25, 0.5),
  'claude-opus-4-6': anthropic(5, 25, 0.5),
  'claude-opus-4-5': anthropic(5, 25, 0.5),
  'claude-sonnet-5-5': anthropic(2, 10, 0.1),
  'claude-sonnet-5': anthropic(2, 10, 0.2),
  'claude-sonnet-4-6': anthropic(3, 15, 0.3),
  'claude-sonnet-4-5': anthropic(3, 15, 0.3),
  'claude-haiku-5-5': {
    ...anthropic(0.1, 0.5, 0.01),
    longPrompt: { thresholdTokens: 100_000, ...anthropic(0.5, 2.5, 0.05) },
  },
  'claude-haiku-4-5': anthropic(1, 5, 0.1),
  // OpenAI (developers.openai.com pricing, standard tier, short context; cached input at 10%).
  'gpt-5.6-sol': openai(5, 30),
  'gpt-5.6-terra': openai(2.5, 15),
  'gpt-5.6-luna': openai(1, 6),
  'gpt-5.5': openai(5, 30),
  'gpt-5.5-pro': openai(30, 180, 30),
  'gpt-5.4': openai(2.5, 15),
  'gpt-5.4-mini': openai(0.75, 4.5),
  'gpt-5.4-nano': openai(0.2, 1.25),
  'gpt-5.4-pro': openai(30, 180, 30),
  // DeepSeek (api-docs.deepseek.com, peak-hour prices: off-peak is half, so a budget is never under-counted).
  'deepseek-flash': { input: 0.3, output: 1.2, cacheRead: 0.006 },
  'deepseek-v4-pro': { input: 1.32, output: 3.96, cacheRead: 0.044 },
};

export interface Priced {
  costUsd: number;
  priced: boolean;
}

/**
 * Finds the price of `model` served by `provider`: `provider:model`, then the model name, then the name without a
 * date suffix (`gpt-4.1-2025-04-14`, `claude-haiku-4-5-20251001`) or a router prefix (`deepseek/deepseek-flash`).
 */
export function findPrice(
  model: string,
  provider: string,
  table: PricingTable = DEFAULT_PRICES,
): ModelPrice | undefined {
  const bare = model.includes('/') ? model.slice(model.lastIndexOf('/') + 1) : model;
  const undated = bare.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
  for (const key of [`${provider}:${model}`, model, bare, undated]) {
    const price = table[key];
    if (price) return price;
  }
  return undefined;
}

/** The dollar cost of one call. */
export function costOf(usage: Usage, price: ModelPrice | undefined): Priced {
  if (!price) return { costUsd: 0, priced: false };
  const rates =
    price.longPrompt && usage.inputTokens > price.longPrompt.thresholdTokens ? price.longPrompt : price;
  const cacheRead = Math.min(usage.cacheReadTokens, usage.inputTokens);
  const cacheWrite = Math.min(usage.cacheWriteTokens ?? 0, usage.inputTokens - cacheRead);
  const fresh = usage.inputTokens - cacheRead - cacheWrite;
  const dollars =
    fresh * rates.input +
    cacheRead * (rates.cacheRead ?? rates.input) +
    cacheWrite * (rates.cacheWrite ?? rates.input) +
    usage.outputTokens * rates.output;
  return { costUsd: dollars / 1_000_000, priced: true };
}

/** The default table with the overrides applied on top (an override replaces a model's whole entry). */
export function mergePricing(overrides: PricingTable = {}): PricingTable {
  return { ...DEFAULT_PRICES, ...overrides };
}
