import { createModel, ModelConfigError, parseModelSpec, type PricedModel } from '../../src/models/index.js';

describe('model selection string', () => {
  it('parses every form', () => {
    expect(parseModelSpec('none')).toEqual({ provider: 'none' });
    expect(parseModelSpec('openai:gpt-5.4')).toEqual({ provider: 'openai', model: 'gpt-5.4' });
    expect(parseModelSpec(' anthropic:claude-sonnet-5-5 ')).toEqual({
      provider: 'anthropic',
      model: 'claude-sonnet-5-5',
    });
    expect(parseModelSpec('openai-compatible:http://localhost:11434/v1/#qwen3-coder:30b')).toEqual({
      provider: 'openai-compatible',
      baseURL: 'http://localhost:11434/v1',
      model: 'qwen3-coder:30b',
    });
    expect(parseModelSpec('scripted:demo/turns.jsonl')).toEqual({
      provider: 'scripted',
      file: 'demo/turns.jsonl',
    });
  });

  it('explains what is wrong with a bad selection', () => {
    expect(() => parseModelSpec('gpt-4')).toThrow(
      /^unknown model provider "gpt-4" in "gpt-4"; expected openai:<model>, anthropic:<model>/,
    );
    expect(() => parseModelSpec('openai:')).toThrow('model "openai:" names no model; expected');
    expect(() => parseModelSpec('openai-compatible:localhost:11434#llama3')).toThrow(
      /names no base URL \(http:\/\/ or https:\/\/\)/,
    );
    expect(() => parseModelSpec('openai-compatible:http://localhost:11434/v1')).toThrow(
      /names no model after "#"/,
    );
  });

  it('reads keys only from the environment it is given and names the variable that is missing', () => {
    expect(createModel('none', { env: {} })).toBeNull();
    expect(() => createModel('openai:gpt-5.4', { env: {} })).toThrow(ModelConfigError);
    expect(() => createModel('openai:gpt-5.4', { env: {} })).toThrow(
      'openai:gpt-5.4 needs an API key in the OPENAI_API_KEY environment variable (keys are read only from the environment)',
    );
    expect(() => createModel('anthropic:claude-opus-5-5', { env: { OPENAI_API_KEY: 'sk-x' } })).toThrow(
      /ANTHROPIC_API_KEY/,
    );
    expect(createModel('anthropic:claude-opus-5-5', { env: { ANTHROPIC_API_KEY: 'sk-ant-x' } })!.id).toBe(
      'anthropic:claude-opus-5-5',
    );
    // A local server needs no key.
    expect(createModel('openai-compatible:http://127.0.0.1:8080/v1#local', { env: {} })!.id).toBe(
      'openai-compatible:http://127.0.0.1:8080/v1#local',
    );
  });
});

describe('price overrides from the environment', () => {
  it('prices a model the list does not know, and rejects a malformed table with the reason', () => {
    const model = createModel('openai-compatible:http://localhost:11434/v1#qwen3-coder:30b', {
      env: { MIMO_PRICING: '{"qwen3-coder:30b": {"input": 0.05, "output": 0.1}}' },
    }) as PricedModel;
    expect(model.price).toEqual({ input: 0.05, output: 0.1 });
    expect(() =>
      createModel('openai:gpt-5.4', { env: { OPENAI_API_KEY: 'sk-x', MIMO_PRICING: '{gpt' } }),
    ).toThrow(/^MIMO_PRICING is not valid JSON/);
    expect(() =>
      createModel('openai:gpt-5.4', {
        env: { OPENAI_API_KEY: 'sk-x', MIMO_PRICING: '{"gpt-5.4": {"input": "cheap"}}' },
      }),
    ).toThrow(/^MIMO_PRICING: .*input/);
  });
});
