// withBudget: a Model that never spends past the job's Budget. Before each call it prices the worst case (input
// estimated from the characters sent, plus `maxTokens` of output), clamps `maxTokens` to what the tokens and dollars
// left can pay for, and refuses the call with a BudgetExceededError naming the limit when not even a short answer
// fits. After the call it charges the real usage. Retries never wait past the wall-time budget.
// (Imports repair/budget.ts directly, not repair/index.ts: the loop imports models/, so the entry would be a cycle.)
import { BudgetExceededError, dollars, type Budget } from '../repair/budget.js';
import { costOf, findPrice, type ModelPrice } from './pricing.js';
import { toolsToJsonSchema } from './schema.js';
import { ScriptedModel } from './scripted.js';
import type { Completion, CompletionRequest, Model } from './types.js';

/** Characters per token used to estimate input size: conservative for code (≈3–4 chars per token). */
const CHARS_PER_TOKEN = 3;
/** A call is refused when fewer output tokens than this (or than asked, if less) remain affordable. */
const MIN_OUTPUT_TOKENS = 256;

/** Models made by createModel carry their price (with config overrides); others are looked up by id. */
export interface PricedModel extends Model {
  readonly price: ModelPrice | undefined;
}

function hasPrice(model: Model): model is PricedModel {
  return 'price' in model;
}

/** The price of a model from its id (`openai:gpt-5.4`, `openai-compatible:http://…#name`, `anthropic:…`). */
export function priceFromId(id: string): ModelPrice | undefined {
  const colon = id.indexOf(':');
  if (colon === -1) return undefined;
  const provider = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  const model = provider === 'openai-compatible' ? rest.slice(rest.lastIndexOf('#') + 1) : rest;
  return findPrice(model, provider);
}

/** Input tokens of a request, estimated from everything that is sent: system, messages and tool schemas. */
export function estimateInputTokens(request: CompletionRequest): number {
  let chars = request.system.length;
  for (const message of request.messages) {
    chars += message.content.length + 8;
    if (message.role === 'assistant') chars += JSON.stringify(message.toolCalls ?? []).length;
  }
  if (request.tools.length > 0) chars += JSON.stringify(toolsToJsonSchema(request.tools)).length;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function withBudget(model: Model, budget: Budget): Model {
  const price = hasPrice(model) ? model.price : priceFromId(model.id);
  // A replay consumes no tokens and no dollars: only the time limit applies to it.
  const metered = !(model instanceof ScriptedModel);
  return {
    id: model.id,
    async complete(request: CompletionRequest): Promise<Completion> {
      const maxTokens = metered ? affordableOutput(request, budget, price) : unmetered(request, budget);
      const signal = request.signal ? AbortSignal.any([request.signal, budget.signal]) : budget.signal;
      const completion = await model.complete({
        ...request,
        maxTokens,
        signal,
        remainingMs: () => budget.remainingMs(),
      });
      budget.charge(completion.usage, completion.costUsd);
      return completion;
    },
  };
}

function unmetered(request: CompletionRequest, budget: Budget): number {
  if (budget.remainingMs() <= 0) throw new BudgetExceededError('wall_time', budget.describe('wall_time'));
  return request.maxTokens;
}

/** `request.maxTokens` clamped to the budget left, or a BudgetExceededError when a useful answer does not fit. */
function affordableOutput(request: CompletionRequest, budget: Budget, price: ModelPrice | undefined): number {
  const exhausted = budget.exhaustedResource();
  // Dollars are only spent by priced models: a model with no price (a local one) is held to tokens and time.
  if (exhausted && (exhausted !== 'cost' || price)) {
    throw new BudgetExceededError(exhausted, budget.describe(exhausted));
  }
  const minimum = Math.min(MIN_OUTPUT_TOKENS, request.maxTokens);
  const input = estimateInputTokens(request);
  const tokensLeft = budget.remainingTokens();
  let maxTokens = Math.min(request.maxTokens, tokensLeft - input);
  if (maxTokens < minimum) {
    throw new BudgetExceededError(
      'tokens',
      `token limit: the next call needs about ${input} input tokens plus ${minimum} for the answer, ` +
        `but ${tokensLeft} of ${budget.limits.maxTokens} tokens remain`,
    );
  }
  if (!price) return maxTokens;
  // Worst case for the input: every token written to the prompt cache (Anthropic bills that at 1.25x).
  const inputCost = costOf(
    { inputTokens: input, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: input },
    price,
  ).costUsd;
  const outputRate = (price.longPrompt && input > price.longPrompt.thresholdTokens ? price.longPrompt : price)
    .output;
  const dollarsLeft = budget.remainingCostUsd();
  const affordable =
    outputRate > 0 ? Math.floor(((dollarsLeft - inputCost) * 1_000_000) / outputRate) : maxTokens;
  maxTokens = Math.min(maxTokens, affordable);
  if (maxTokens < minimum) {
    const worst = inputCost + (minimum * outputRate) / 1_000_000;
    throw new BudgetExceededError(
      'cost',
      `cost limit: the next call could cost up to ${dollars(worst)} ` +
        `(${input} input tokens estimated, ${minimum} output tokens) but ${dollars(dollarsLeft)} ` +
        `of ${dollars(budget.limits.maxCostUsd)} remains`,
    );
  }
  return maxTokens;
}
