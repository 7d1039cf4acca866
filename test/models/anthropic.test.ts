import nock from 'nock';
import { createModel, ModelError, type ChatMessage, type Model } from '../../src/models/index.js';
import { fixture, recordingSleep, tools } from './helpers.js';

const API = 'https://api.anthropic.com';
const env = { ANTHROPIC_API_KEY: 'sk-ant-api03-test-key-abcdefghijklmnop' };
const errors = fixture<Record<string, object>>('anthropic-errors.json');
const EPHEMERAL = { type: 'ephemeral' };

type Block = Record<string, unknown>;
type Body = Record<string, unknown> & {
  messages: Array<{ role: string; content: Block[] }>;
  tools: Block[];
  system: Block[];
};

function anthropic(spec = 'anthropic:claude-sonnet-5-5') {
  const { delays, sleep } = recordingSleep();
  const model = createModel(spec, { env, retry: { sleep, random: () => 0 } }) as Model;
  return { model, delays };
}

const system = 'You repair failing tests.\n\nRepository map:\ncalc/stats.py: mean, median';
const request = (messages: ChatMessage[]) => ({ system, messages, tools, maxTokens: 2048 });
const firstTurn: ChatMessage[] = [
  { role: 'user', content: 'tests/test_stats.py::test_mean fails: assert 2.5 == 2.0' },
];

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('Anthropic Messages through @anthropic-ai/sdk (fetch intercepted by nock)', () => {
  it('marks tools, system and the newest turn for prompt caching and reads tool_use blocks, usage and cost', async () => {
    const bodies: Body[] = [];
    const scope = nock(API)
      .post('/v1/messages', (body: Body) => bodies.push(body) > 0)
      .matchHeader('authorization', `Bearer ${env.ANTHROPIC_API_KEY}`) // how SDK 1.x sends an API key
      .matchHeader('anthropic-version', /^\d{4}-\d{2}-\d{2}$/)
      .reply(200, fixture('anthropic-tool-use.json'));
    const { model } = anthropic();

    const result = await model.complete(request(firstTurn));

    expect(scope.isDone()).toBe(true);
    const body = bodies[0]!;
    expect(body.model).toBe('claude-sonnet-5-5');
    expect(body.max_tokens).toBe(2048);
    expect(body.system).toEqual([{ type: 'text', text: system, cache_control: EPHEMERAL }]);
    expect(body.tools.map((tool) => tool.name)).toEqual(['read_file', 'edit', 'run_tests']);
    expect(body.tools[0]).toEqual({
      name: 'read_file',
      description: 'Read a file of the repository.',
      input_schema: {
        type: 'object',
        properties: { path: { type: 'string', description: 'Path relative to the repository root' } },
        required: ['path'],
      },
    });
    expect(body.tools[2]).toMatchObject({ name: 'run_tests', cache_control: EPHEMERAL });
    expect(body.tools[0]).not.toHaveProperty('cache_control');
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: firstTurn[0]!.content, cache_control: EPHEMERAL }] },
    ]);

    expect(result.text).toBe('The failure is in mean(); I will read the module and rerun the test.');
    expect(result.toolCalls).toEqual([
      { id: 'toolu_01A09q90qw90lq917835lq9', name: 'read_file', arguments: { path: 'calc/stats.py' } },
      {
        id: 'toolu_01B7xYk3Vn2Pq8Rt5Ws4Mz6c',
        name: 'run_tests',
        arguments: { filter: 'tests/test_stats.py' },
      },
    ]);
    expect(result.stopReason).toBe('tool_use');
    expect(result.usage).toEqual({
      inputTokens: 312 + 4480,
      outputTokens: 96,
      cacheReadTokens: 4480,
      cacheWriteTokens: 0,
    });
    // claude-sonnet-5-5: $2 input, $0.10 cache read, $10 output per million tokens.
    expect(result.costUsd).toBeCloseTo((312 * 2 + 4480 * 0.1 + 96 * 10) / 1e6, 12);
  });

  it('sends tool results as tool_result blocks in one user turn, error flagged, cache marks on both user turns', async () => {
    const bodies: Body[] = [];
    nock(API)
      .post('/v1/messages', (body: Body) => bodies.push(body) > 0)
      .reply(200, fixture('anthropic-end-turn.json'));
    const { model } = anthropic();

    const result = await model.complete(
      request([
        ...firstTurn,
        {
          role: 'assistant',
          content: 'Reading and rerunning.',
          toolCalls: [
            { id: 'toolu_1', name: 'read_file', arguments: { path: 'calc/stats.py' } },
            { id: 'toolu_2', name: 'run_tests', arguments: {} },
          ],
        },
        { role: 'tool', toolCallId: 'toolu_1', name: 'read_file', content: 'def mean(values): ...' },
        { role: 'tool', toolCallId: 'toolu_2', name: 'run_tests', content: '1 failed', isError: true },
      ]),
    );

    // Breakpoints on the newest turn and on the user turn where the previous iteration put its own.
    expect(bodies[0]!.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: firstTurn[0]!.content, cache_control: EPHEMERAL }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading and rerunning.' },
          { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'calc/stats.py' } },
          { type: 'tool_use', id: 'toolu_2', name: 'run_tests', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'def mean(values): ...' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: '1 failed',
            is_error: true,
            cache_control: EPHEMERAL,
          },
        ],
      },
    ]);
    expect(result).toMatchObject({ stopReason: 'end_turn', toolCalls: [] });
    // Cache writes (640 tokens) cost 1.25x input: $2.50 per million.
    expect(result.usage).toEqual({
      inputTokens: 188 + 640 + 4480,
      outputTokens: 22,
      cacheReadTokens: 4480,
      cacheWriteTokens: 640,
    });
    expect(result.costUsd).toBeCloseTo((188 * 2 + 640 * 2.5 + 4480 * 0.1 + 22 * 10) / 1e6, 12);
  });

  it('sends a reply with thinking back exactly as the model wrote it, signature included', async () => {
    const bodies: Body[] = [];
    nock(API)
      .post('/v1/messages', (body: Body) => bodies.push(body) > 0)
      .reply(200, fixture('anthropic-thinking-tool-use.json'))
      .post('/v1/messages', (body: Body) => bodies.push(body) > 0)
      .reply(200, fixture('anthropic-end-turn.json'));
    const { model } = anthropic('anthropic:claude-opus-5-5');

    const first = await model.complete(request(firstTurn));
    await model.complete(
      request([
        ...firstTurn,
        { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
        {
          role: 'tool',
          toolCallId: first.toolCalls[0]!.id,
          name: 'read_file',
          content: 'def mean(values): ...',
        },
      ]),
    );

    const thinking = fixture<{ content: Block[] }>('anthropic-thinking-tool-use.json').content;
    expect(bodies[1]!.messages[1]).toEqual({ role: 'assistant', content: thinking });
    // Opus 5.5: 2950 fresh input tokens at $4, 2731 written to the 5-minute cache at $5, 74 out at $20.
    expect(first.usage).toEqual({
      inputTokens: 2950 + 2731,
      outputTokens: 74,
      cacheReadTokens: 0,
      cacheWriteTokens: 2731,
    });
    expect(first.costUsd).toBeCloseTo((2950 * 4 + 2731 * 5 + 74 * 20) / 1e6, 12);
  });

  it('retries 529 overloaded_error and 429 rate_limit_error, honouring retry-after', async () => {
    const scope = nock(API)
      .post('/v1/messages')
      .reply(529, errors['529'])
      .post('/v1/messages')
      .reply(429, errors['429'], { 'retry-after': '7' })
      .post('/v1/messages')
      .reply(500, errors['500'])
      .post('/v1/messages')
      .reply(200, fixture('anthropic-end-turn.json'));
    const { model, delays } = anthropic();

    const retries: string[] = [];
    const onRetry = (retry: { delayMs: number; message: string }) =>
      retries.push(`${retry.delayMs} ${retry.message}`);

    const result = await model.complete({ ...request(firstTurn), onRetry });

    expect(scope.isDone()).toBe(true);
    expect(delays).toEqual([500, 7000, 2000]);
    expect(retries).toEqual([
      '500 anthropic is overloaded: Overloaded',
      expect.stringMatching(
        /^7000 anthropic rate limit reached for "claude-sonnet-5-5": This request would exceed/,
      ),
      '2000 anthropic had a server error (HTTP 500): Internal server error',
    ]);
    expect(result.stopReason).toBe('end_turn');
  });

  it('gives up on an overload when the wait would pass the time budget', async () => {
    nock(API).post('/v1/messages').reply(529, errors['529'], { 'retry-after': '30' });
    const { model, delays } = anthropic();

    const failure = model.complete({ ...request(firstTurn), remainingMs: () => 10_000 });

    await expect(failure).rejects.toThrow(
      'anthropic is overloaded: Overloaded (not retrying: waiting 30s would pass the time budget (10s left))',
    );
    expect(delays).toEqual([]);
  });

  it('says the key was rejected, and names an unknown model', async () => {
    nock(API)
      .post('/v1/messages')
      .reply(401, errors['401'])
      .post('/v1/messages')
      .reply(404, errors['404_model']);
    const { model } = anthropic('anthropic:claude-sonnet-9');

    const auth = (await model.complete(request(firstTurn)).catch((error: unknown) => error)) as ModelError;
    const missing = (await model.complete(request(firstTurn)).catch((error: unknown) => error)) as ModelError;

    expect(auth.message).toBe(
      'the API key for anthropic was rejected (set ANTHROPIC_API_KEY to a valid key)',
    );
    expect(missing.kind).toBe('model_not_found');
    expect(missing.message).toBe(
      'model "claude-sonnet-9" was not found at anthropic; check the model name: model: claude-sonnet-9',
    );
  });
});
