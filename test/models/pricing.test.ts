import { costOf, DEFAULT_PRICES, findPrice, mergePricing } from '../../src/models/index.js';

describe('pricing', () => {
  it('prices a call from its usage, cache reads and writes at their own rates', () => {
    const usage = {
      inputTokens: 10_000,
      outputTokens: 1_000,
      cacheReadTokens: 6_000,
      cacheWriteTokens: 3_000,
    };
    // claude-sonnet-4-6: $3 input, $3.75 5-minute write, $0.30 read, $15 output.
    expect(costOf(usage, findPrice('claude-sonnet-4-6', 'anthropic'))).toEqual({
      costUsd: (1_000 * 3 + 3_000 * 3.75 + 6_000 * 0.3 + 1_000 * 15) / 1e6,
      priced: true,
    });
  });

  it('finds dated snapshots and router-prefixed names, and says when a model is unknown', () => {
    expect(findPrice('claude-haiku-4-5-20251001', 'anthropic')).toBe(DEFAULT_PRICES['claude-haiku-4-5']);
    expect(findPrice('openai/gpt-5.4-mini', 'openai-compatible')).toBe(DEFAULT_PRICES['gpt-5.4-mini']);
    expect(findPrice('gpt-5.4-mini', 'openai')).not.toBe(DEFAULT_PRICES['gpt-5.4']);
    const unknown = costOf(
      { inputTokens: 5000, outputTokens: 500, cacheReadTokens: 0 },
      findPrice('qwen3-coder:30b', 'openai-compatible'),
    );
    expect(unknown).toEqual({ costUsd: 0, priced: false });
  });

  it('bills every token of a long Haiku 5.5 prompt at the long-prompt rates', () => {
    const price = findPrice('claude-haiku-5-5', 'anthropic');
    const short = costOf({ inputTokens: 100_000, outputTokens: 1_000, cacheReadTokens: 0 }, price);
    const long = costOf({ inputTokens: 100_001, outputTokens: 1_000, cacheReadTokens: 0 }, price);
    expect(short.costUsd).toBeCloseTo((100_000 * 0.1 + 1_000 * 0.5) / 1e6, 12);
    expect(long.costUsd).toBeCloseTo((100_001 * 0.5 + 1_000 * 2.5) / 1e6, 12);
  });

  it('lets config override a price or add one, per provider if needed', () => {
    const table = mergePricing({
      'gpt-5.4': { input: 1, output: 2 },
      'openai-compatible:qwen3-coder:30b': { input: 0.05, output: 0.1 },
    });
    expect(findPrice('gpt-5.4', 'openai', table)).toEqual({ input: 1, output: 2 });
    expect(findPrice('qwen3-coder:30b', 'openai-compatible', table)).toEqual({ input: 0.05, output: 0.1 });
    expect(findPrice('qwen3-coder:30b', 'openai', table)).toBeUndefined();
    expect(findPrice('claude-opus-5-5', 'anthropic', table)).toBe(DEFAULT_PRICES['claude-opus-5-5']);
  });
});
