import nock from 'nock';
import {
  createModel,
  estimateInputTokens,
  ScriptedModel,
  withBudget,
  type Model,
} from '../../src/models/index.js';
import { Budget, BudgetExceededError, type BudgetLimits } from '../../src/repair/budget.js';
import { fixture, recordingSleep, tools } from '../models/helpers.js';

const API = 'https://api.openai.com';
const env = { OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef1234' };
const limits: BudgetLimits = {
  maxIterations: 10,
  maxWallTimeMs: 600_000,
  maxTokens: 1_000_000,
  maxCostUsd: 1,
};
const request = (maxTokens: number) => ({
  system: 'You repair failing tests.',
  messages: [{ role: 'user' as const, content: 'tests/test_stats.py::test_mean fails' }],
  tools,
  maxTokens,
});
// openai-text-answer.json on gpt-5.4: 842 fresh input tokens at $2.50, 2048 cached at $0.25, 17 output at $15.
const CALL_COST = (842 * 2.5 + 2048 * 0.25 + 17 * 15) / 1e6;

function gpt(): { model: Model; delays: number[] } {
  const { delays, sleep } = recordingSleep();
  return { model: createModel('openai:gpt-5.4', { env, retry: { sleep, random: () => 0 } })!, delays };
}

type Body = { max_completion_tokens: number };

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Budget', () => {
  it('names the first limit used up, in words for the log', () => {
    let now = 1_000;
    const budget = new Budget({ ...limits, maxIterations: 2, maxCostUsd: 0.01 }, () => now);
    expect(budget.exhausted()).toBeNull();
    budget.startIteration();
    budget.charge({ inputTokens: 1200, outputTokens: 300, cacheReadTokens: 0 }, 0.004);
    expect(budget.spent()).toEqual({ iterations: 1, wallTimeMs: 0, tokens: 1500, costUsd: 0.004 });
    budget.startIteration();
    expect(budget.exhausted()).toBe('iterations');
    expect(budget.exhaustedResource()).toBeNull();
    budget.charge({ inputTokens: 2000, outputTokens: 500, cacheReadTokens: 0 }, 0.0065);
    expect(budget.exhausted()).toBe('cost');
    expect(budget.describe('cost')).toBe('cost limit reached: $0.0105 of $0.0100 spent');
    now += limits.maxWallTimeMs;
    expect(budget.exhausted()).toBe('wall_time');
    expect(budget.describe('wall_time')).toBe('time limit reached: 10.0 min of 10.0 min used');
  });

  it('aborts its signal once the wall time is spent, with the reason', () => {
    let now = 0;
    const budget = new Budget(limits, () => now);
    expect(budget.signal.aborted).toBe(false);
    now = limits.maxWallTimeMs + 1;
    const { signal } = budget;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(BudgetExceededError);
    expect((signal.reason as BudgetExceededError).limit).toBe('wall_time');
  });
});

describe('withBudget', () => {
  it('stops further calls once the dollars are spent, with the reason for the log', async () => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .times(3)
      .reply(200, fixture('openai-text-answer.json'));
    const budget = new Budget({ ...limits, maxCostUsd: 0.0075 });
    const model = withBudget(gpt().model, budget);

    await model.complete(request(200));
    await model.complete(request(200));
    const refused = await model.complete(request(200)).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(BudgetExceededError);
    expect((refused as BudgetExceededError).limit).toBe('cost');
    expect((refused as BudgetExceededError).message).toMatch(
      /^cost limit: the next call could cost up to \$0\.\d{4} \(\d+ input tokens estimated, 200 output tokens\) but \$0\.0018 of \$0\.0075 remains$/,
    );
    // Only two requests reached the API: the third was refused before it was sent.
    expect(scope.pendingMocks()).toHaveLength(1);
    expect(budget.spent().costUsd).toBeCloseTo(2 * CALL_COST, 12);
    expect(budget.spent().costUsd).toBeLessThanOrEqual(0.0075);
  });

  it('clamps maxTokens so the worst case still fits the dollars left', async () => {
    const bodies: Body[] = [];
    nock(API)
      .post('/v1/chat/completions', (body: Body) => bodies.push(body) > 0)
      .reply(200, fixture('openai-text-answer.json'));
    const model = withBudget(gpt().model, new Budget({ ...limits, maxCostUsd: 0.0075 }));

    await model.complete(request(4096));

    const input = estimateInputTokens(request(4096));
    // Input priced as if all written to the cache ($2.50 × 1.25), the rest of $0.0075 buys output at $15.
    const expected = Math.floor(((0.0075 - (input * 3.125) / 1e6) * 1e6) / 15);
    expect(bodies[0]!.max_completion_tokens).toBe(expected);
    expect(expected).toBeGreaterThan(256);
    expect(expected).toBeLessThan(4096);
  });

  it('refuses a call that the tokens left cannot hold', async () => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .times(2)
      .reply(200, fixture('openai-text-answer.json'));
    const budget = new Budget({ ...limits, maxTokens: 3200 });
    const model = withBudget(gpt().model, budget);

    await model.complete(request(256));
    const refused = (await model
      .complete(request(256))
      .catch((error: unknown) => error)) as BudgetExceededError;

    expect(refused.limit).toBe('tokens');
    expect(refused.message).toMatch(
      /^token limit: the next call needs about \d+ input tokens plus 256 for the answer, but 293 of 3200 tokens remain$/,
    );
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('holds a scripted replay only to the time limit: it spends no tokens or dollars', async () => {
    const budget = new Budget({ ...limits, maxTokens: 10, maxCostUsd: 0 });
    const model = withBudget(
      new ScriptedModel([{ toolCalls: [{ name: 'run_tests', arguments: {} }] }]),
      budget,
    );

    const turn = await model.complete(request(4096));

    expect(turn.toolCalls.map((call) => call.name)).toEqual(['run_tests']);
    expect(budget.spent()).toMatchObject({ tokens: 0, costUsd: 0 });
  });

  it('holds a model with no price (a local one) to tokens and time, not to dollars it cannot spend', async () => {
    const scope = nock('http://localhost:11434')
      .post('/v1/chat/completions')
      .reply(200, fixture<Record<string, object>>('ollama-responses.json').native_tool_call);
    const budget = new Budget({ ...limits, maxCostUsd: 0 });
    const local = createModel('openai-compatible:http://localhost:11434/v1#qwen3-coder:30b', { env: {} })!;

    const turn = await withBudget(local, budget).complete(request(256));

    expect(scope.isDone()).toBe(true);
    expect(turn).toMatchObject({ costUsd: 0, priced: false });
    expect(budget.spent()).toMatchObject({ tokens: 726, costUsd: 0 });
    await expect(withBudget(gpt().model, budget).complete(request(256))).rejects.toMatchObject({
      limit: 'cost',
    });
  });

  it('refuses every call once the wall time is spent', async () => {
    let now = 0;
    const budget = new Budget(limits, () => now);
    const model = withBudget(gpt().model, budget);
    now = limits.maxWallTimeMs;

    await expect(model.complete(request(256))).rejects.toMatchObject({ limit: 'wall_time' });
  });

  it('does not wait out a retry-after longer than the time left', async () => {
    nock(API)
      .post('/v1/chat/completions')
      .reply(429, fixture<Record<string, object>>('openai-errors.json')['429'], { 'retry-after': '90' });
    let now = 0;
    const budget = new Budget(limits, () => now);
    const { model, delays } = gpt();
    now = limits.maxWallTimeMs - 60_000;

    await expect(withBudget(model, budget).complete(request(256))).rejects.toThrow(
      /rate limit reached for "gpt-5\.4".*\(not retrying: waiting 90s would pass the time budget \(60s left\)\)$/,
    );
    expect(delays).toEqual([]);
  });
});
