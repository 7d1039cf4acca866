import nock from 'nock';
import { createModel, ModelError, type ChatMessage, type Model } from '../../src/models/index.js';
import { fixture, recordingSleep, tools } from './helpers.js';

const API = 'https://api.openai.com';
const env = { OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef1234' };
const errors = fixture<Record<string, object>>('openai-errors.json');

type Body = Record<string, unknown> & { messages: Array<Record<string, unknown>> };

function openai(spec = 'openai:gpt-5.4') {
  const { delays, sleep } = recordingSleep();
  const model = createModel(spec, { env, retry: { sleep, random: () => 0 } }) as Model;
  return { model, delays };
}

const conversation: ChatMessage[] = [
  { role: 'user', content: 'tests/test_stats.py::test_mean fails: assert 2.5 == 2.0' },
  {
    role: 'assistant',
    content: 'Reading the module.',
    toolCalls: [{ id: 'call_prev1', name: 'read_file', arguments: { path: 'calc/stats.py' } }],
  },
  {
    role: 'tool',
    toolCallId: 'call_prev1',
    name: 'read_file',
    content: 'def mean(values):\n    return sum(values) / (len(values) - 1)\n',
  },
];

const request = (messages: ChatMessage[] = conversation) => ({
  system: 'You repair failing tests.\n\nRepository map:\ncalc/stats.py: mean, median',
  messages,
  tools,
  maxTokens: 1024,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('OpenAI chat completions through the openai SDK (fetch intercepted by nock)', () => {
  it('sends the tools from the zod schemas and the tool results, and reads parallel tool calls with usage and cost', async () => {
    const bodies: Body[] = [];
    const scope = nock(API)
      .post('/v1/chat/completions', (body: Body) => bodies.push(body) > 0)
      .matchHeader('authorization', `Bearer ${env.OPENAI_API_KEY}`)
      .reply(200, fixture('openai-tool-calls.json'));
    const { model } = openai();

    const result = await model.complete(request());

    expect(scope.isDone()).toBe(true);
    const body = bodies[0]!;
    expect(body.model).toBe('gpt-5.4');
    expect(body.max_completion_tokens).toBe(1024);
    expect(body.parallel_tool_calls).toBe(true);
    expect(body.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'read_file',
          description: 'Read a file of the repository.',
          parameters: {
            type: 'object',
            properties: { path: { type: 'string', description: 'Path relative to the repository root' } },
            required: ['path'],
          },
        },
      },
      expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'edit' }) }),
      {
        type: 'function',
        function: {
          name: 'run_tests',
          description: 'Run the test command, optionally only some tests.',
          parameters: { type: 'object', properties: { filter: { type: 'string' } } },
        },
      },
    ]);
    expect(body.messages).toEqual([
      { role: 'system', content: request().system },
      { role: 'user', content: conversation[0]!.content },
      {
        role: 'assistant',
        content: 'Reading the module.',
        tool_calls: [
          {
            id: 'call_prev1',
            type: 'function',
            function: { name: 'read_file', arguments: '{"path":"calc/stats.py"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_prev1', content: (conversation[2] as { content: string }).content },
    ]);

    expect(result.toolCalls).toEqual([
      { id: 'call_Xb2MqP0d9LrT4uVn8sKe1Ayc', name: 'read_file', arguments: { path: 'calc/stats.py' } },
      {
        id: 'call_7hN3fWq5ZcR1oJm2YtG8vLbd',
        name: 'run_tests',
        arguments: { filter: 'tests/test_stats.py' },
      },
    ]);
    expect(result.stopReason).toBe('tool_use');
    expect(result.text).toBe('');
    expect(result.usage).toEqual({
      inputTokens: 2113,
      outputTokens: 61,
      cacheReadTokens: 1920,
      cacheWriteTokens: 0,
    });
    // gpt-5.4: $2.50 input, $0.25 cached input, $15 output per million tokens.
    expect(result.costUsd).toBeCloseTo((193 * 2.5 + 1920 * 0.25 + 61 * 15) / 1e6, 12);
    expect(result.priced).toBe(true);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('marks an error result so the model sees it failed, and reads a plain answer as end_turn', async () => {
    const bodies: Body[] = [];
    nock(API)
      .post('/v1/chat/completions', (body: Body) => bodies.push(body) > 0)
      .reply(200, fixture('openai-text-answer.json'));
    const { model } = openai();
    const messages: ChatMessage[] = [
      ...conversation.slice(0, 2),
      { role: 'tool', toolCallId: 'call_prev1', name: 'read_file', content: 'no such file', isError: true },
    ];

    const result = await model.complete(request(messages));

    expect(bodies[0]!.messages[3]).toEqual({
      role: 'tool',
      tool_call_id: 'call_prev1',
      content: 'Error: no such file',
    });
    expect(result).toMatchObject({
      text: expect.stringContaining('divides by len(values)'),
      toolCalls: [],
      stopReason: 'end_turn',
    });
  });

  it('retries a 429 after the retry-after the server asked for, then succeeds', async () => {
    const scope = nock(API)
      .post('/v1/chat/completions')
      .reply(429, errors['429'], { 'retry-after': '3' })
      .post('/v1/chat/completions')
      .reply(200, fixture('openai-text-answer.json'));
    const { model, delays } = openai();

    const result = await model.complete(request());

    expect(scope.isDone()).toBe(true);
    expect(delays).toEqual([3000]);
    expect(result.stopReason).toBe('end_turn');
  });

  it('retries 500s with exponential backoff and says so when it gives up', async () => {
    const scope = nock(API).post('/v1/chat/completions').times(6).reply(500, errors['500']);
    const { model, delays } = openai();

    const failure = model.complete(request());

    await expect(failure).rejects.toThrow(ModelError);
    await expect(failure).rejects.toThrow(/openai had a server error \(HTTP 500\).*gave up after 6 attempts/);
    expect(scope.isDone()).toBe(true);
    // random() = 0: half of each step (1 s, 2 s, 4 s, 8 s, 16 s).
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('turns a 401 into an actionable message without the key', async () => {
    const scope = nock(API).post('/v1/chat/completions').reply(401, errors['401']);
    const { model, delays } = openai();

    const error = (await model.complete(request()).catch((thrown: unknown) => thrown)) as ModelError;

    expect(scope.isDone()).toBe(true);
    expect(delays).toEqual([]);
    expect(error).toBeInstanceOf(ModelError);
    expect(error.kind).toBe('auth');
    expect(error.message).toBe('the API key for openai was rejected (set OPENAI_API_KEY to a valid key)');
    expect(error.message).not.toMatch(/sk-|1234|\n|at /);
  });

  it('names the model and the provider when the model does not exist', async () => {
    nock(API).post('/v1/chat/completions').reply(404, errors['404_model']);
    const { model } = openai('openai:gpt-9-ultra');

    const error = (await model.complete(request()).catch((thrown: unknown) => thrown)) as ModelError;

    expect(error.kind).toBe('model_not_found');
    expect(error.message).toMatch(/^model "gpt-9-ultra" was not found at openai; check the model name/);
  });

  it('does not retry an exhausted quota (a 429 that waiting cannot fix)', async () => {
    nock(API).post('/v1/chat/completions').reply(429, errors['429_quota']);
    const { model, delays } = openai();

    await expect(model.complete(request())).rejects.toThrow(/no credit or quota left at openai/);
    expect(delays).toEqual([]);
  });

  it('stops waiting when the abort signal fires during a backoff', async () => {
    nock(API).post('/v1/chat/completions').reply(503, errors['500']);
    const controller = new AbortController();
    const model = createModel('openai:gpt-5.4', {
      env,
      retry: {
        sleep: (_ms, signal) => {
          controller.abort();
          return Promise.reject(signal?.reason);
        },
      },
    })!;

    await expect(model.complete({ ...request(), signal: controller.signal })).rejects.toMatchObject({
      kind: 'aborted',
    });
  });
});
