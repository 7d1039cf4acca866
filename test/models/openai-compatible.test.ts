import nock from 'nock';
import { createModel, type ChatMessage, type Model } from '../../src/models/index.js';
import { fixture, recordingSleep, tools } from './helpers.js';

const OLLAMA = 'http://localhost:11434';
const ollama = fixture<Record<string, object>>('ollama-responses.json');

type Body = Record<string, unknown> & { messages: Array<{ role: string; content: string }> };

function compatible(spec: string, env: Record<string, string> = {}) {
  const { sleep } = recordingSleep();
  return createModel(spec, { env, retry: { sleep, random: () => 0 } }) as Model;
}

const request = (messages: ChatMessage[] = [{ role: 'user', content: 'test_mean fails' }]) => ({
  system: 'You repair failing tests.',
  messages,
  tools,
  maxTokens: 512,
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('OpenAI-compatible servers through baseURL', () => {
  it('talks to Ollama at its /v1 base URL with max_tokens and no key, reading native tool calls', async () => {
    const bodies: Body[] = [];
    const scope = nock(OLLAMA)
      .post('/v1/chat/completions', (body: Body) => bodies.push(body) > 0)
      .reply(200, ollama.native_tool_call);
    const model = compatible('openai-compatible:http://localhost:11434/v1#qwen3-coder:30b');

    const result = await model.complete(request());

    expect(scope.isDone()).toBe(true);
    expect(model.id).toBe('openai-compatible:http://localhost:11434/v1#qwen3-coder:30b');
    expect(bodies[0]).toMatchObject({ model: 'qwen3-coder:30b', max_tokens: 512 });
    expect(bodies[0]).not.toHaveProperty('max_completion_tokens');
    expect(bodies[0]).not.toHaveProperty('parallel_tool_calls');
    // Ollama answers finish_reason "stop" even with tool calls: the calls decide.
    expect(result.stopReason).toBe('tool_use');
    expect(result.toolCalls).toEqual([
      { id: 'call_k2v9x1qe', name: 'read_file', arguments: { path: 'calc/stats.py' } },
    ]);
    expect(result).toMatchObject({ costUsd: 0, priced: false });
  });

  it('falls back to the text protocol when the model does not support tools, and keeps using it', async () => {
    const bodies: Body[] = [];
    const scope = nock(OLLAMA)
      .post('/v1/chat/completions', (body: Body) => bodies.push(body) > 0)
      .reply(400, ollama.tools_unsupported)
      .post('/v1/chat/completions', (body: Body) => bodies.push(body) > 0)
      .times(2)
      .reply(200, ollama.text_with_tool_block);
    const model = compatible('openai-compatible:http://localhost:11434/v1#codellama:13b');

    const first = await model.complete(request());
    const second = await model.complete(
      request([
        { role: 'user', content: 'test_mean fails' },
        { role: 'assistant', content: first.text, toolCalls: first.toolCalls },
        {
          role: 'tool',
          toolCallId: first.toolCalls[0]!.id,
          name: 'read_file',
          content: 'def mean(values): ...',
        },
      ]),
    );

    expect(scope.isDone()).toBe(true);
    expect(bodies[0]).toHaveProperty('tools');
    expect(bodies[1]).not.toHaveProperty('tools');
    expect(bodies[1]!.messages[0]!.content).toContain(
      '```tool\n{"name": "<tool name>", "arguments": {<arguments>}}\n```',
    );
    expect(bodies[1]!.messages[0]!.content).toContain('## read_file');
    expect(first.text).toBe('I will read the module first.');
    expect(first.toolCalls).toEqual([
      { id: 'call_1_1', name: 'read_file', arguments: { path: 'calc/stats.py' } },
    ]);
    expect(first.stopReason).toBe('tool_use');
    // The second call goes straight to the text protocol, with the earlier call and its result as plain turns.
    expect(bodies[2]).not.toHaveProperty('tools');
    expect(bodies[2]!.messages.slice(1)).toEqual([
      { role: 'user', content: 'test_mean fails' },
      {
        role: 'assistant',
        content:
          'I will read the module first.\n\n```tool\n{"name":"read_file","arguments":{"path":"calc/stats.py"}}\n```',
      },
      { role: 'user', content: 'Result of tool read_file (call call_1_1):\ndef mean(values): ...' },
    ]);
    expect(second.toolCalls[0]!.id).toBe('call_2_1');
  });

  it('switches protocol at once, without retrying, when llama.cpp answers 500 for tools without --jinja', async () => {
    const llamacpp = fixture<Record<string, object>>('llamacpp-responses.json');
    const { delays, sleep } = recordingSleep();
    const scope = nock('http://127.0.0.1:8080')
      .post('/v1/chat/completions')
      .reply(500, llamacpp.tools_without_jinja)
      .post('/v1/chat/completions', (body: Body) => !('tools' in body))
      .reply(200, llamacpp.text_answer);
    const model = createModel('openai-compatible:http://127.0.0.1:8080/v1#local', {
      env: {},
      retry: { sleep },
    })!;

    const result = await model.complete(request());

    expect(scope.isDone()).toBe(true);
    expect(delays).toEqual([]);
    expect(result.toolCalls).toEqual([{ id: 'call_1_1', name: 'run_tests', arguments: {} }]);
  });

  it('says which model to pull when Ollama does not have it', async () => {
    nock(OLLAMA).post('/v1/chat/completions').reply(404, ollama.model_missing);
    const model = compatible('openai-compatible:http://localhost:11434/v1#qwen3-coder');

    await expect(model.complete(request())).rejects.toThrow(
      'model "qwen3-coder" was not found at openai-compatible server http://localhost:11434/v1 (for Ollama: ollama pull qwen3-coder)',
    );
  });

  it('sends MIMO_OPENAI_COMPATIBLE_API_KEY to DeepSeek and prices its cache hits', async () => {
    const scope = nock('https://api.deepseek.com')
      .post('/chat/completions')
      .matchHeader('authorization', 'Bearer sk-deepseek-test-key-000')
      .reply(200, fixture('deepseek-text-answer.json'));
    const model = compatible('openai-compatible:https://api.deepseek.com#deepseek-flash', {
      MIMO_OPENAI_COMPATIBLE_API_KEY: 'sk-deepseek-test-key-000',
    });

    const result = await model.complete(request());

    expect(scope.isDone()).toBe(true);
    expect(result.usage).toEqual({
      inputTokens: 4000,
      outputTokens: 100,
      cacheReadTokens: 3840,
      cacheWriteTokens: 0,
    });
    // deepseek-flash at peak: $0.30 miss, $0.006 hit, $1.20 output per million.
    expect(result.costUsd).toBeCloseTo((160 * 0.3 + 3840 * 0.006 + 100 * 1.2) / 1e6, 12);
    expect(result.priced).toBe(true);
  });

  it('asks the model to send a readable call again when its block is not JSON', async () => {
    const reply = {
      ...(ollama.text_with_tool_block as object),
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: '```tool\n{"name": "read_file", "arguments": {path: calc/stats.py}}\n```',
          },
          finish_reason: 'stop',
        },
      ],
    };
    nock(OLLAMA).post('/v1/chat/completions').reply(200, reply);
    const model = createModel('openai-compatible:http://localhost:11434/v1#codellama:13b', {
      env: {},
      toolProtocol: 'text',
    })!;

    const result = await model.complete(request());

    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]!.invalid).toMatch(/^the tool call block is not valid JSON/);
  });
});
