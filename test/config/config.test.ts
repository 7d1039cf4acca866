import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, defaultConfig, loadConfig, parseConfig } from '../../src/config/index.js';

function configError(text: string): ConfigError {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills every default for an empty file', () => {
    const config = parseConfig('');
    expect(config).toEqual(defaultConfig());
    expect(config.limits).toEqual({
      iterations: 8,
      wallTimeMinutes: 30,
      tokens: 500_000,
      costUsd: 2,
      commandTimeoutSeconds: 600,
    });
    expect(config.triggers).toEqual({
      comment: true,
      ci: { enabled: false, branches: ['**'], ignoreBranches: [] },
      issueLabel: 'mimo',
      maxAttemptsPerPr: 3,
      allowBots: [],
    });
    expect(config.network.setup).toBe(true);
    expect(config.model).toEqual({ provider: 'none', spec: 'none' });
    expect(config.paths).toEqual({ allow: ['**'], deny: ['.github/workflows/**'] });
    expect(config.test).toBeUndefined();
  });

  it('reads a complete config', () => {
    const config = parseConfig(`
test: python -m pytest -q
setup: pip install -e .
image: mimo-runner:custom
network: { setup: false }
triggers:
  comment: true
  ci: { enabled: true, branches: ["feature/**"], ignoreBranches: ["release/*"] }
  issueLabel: autofix
  maxAttemptsPerPr: 2
limits: { iterations: 5, wallTimeMinutes: 10, tokens: 100000, costUsd: 0.5, commandTimeoutSeconds: 120 }
sandbox: { memoryMb: 1024, cpus: 2, pids: 256 }
model: anthropic:claude-sonnet-4-5
paths: { allow: ["src/**", "tests/**"], deny: ["src/vendor/**"] }
`);
    expect(config.test).toBe('python -m pytest -q');
    expect(config.network.setup).toBe(false);
    expect(config.triggers.ci).toEqual({
      enabled: true,
      branches: ['feature/**'],
      ignoreBranches: ['release/*'],
    });
    expect(config.limits.costUsd).toBe(0.5);
    expect(config.sandbox).toEqual({ memoryMb: 1024, cpus: 2, pids: 256, diskMb: 4096 });
    expect(config.model).toEqual({
      provider: 'anthropic',
      name: 'claude-sonnet-4-5',
      spec: 'anthropic:claude-sonnet-4-5',
    });
    expect(config.paths.deny).toEqual(['src/vendor/**', '.github/workflows/**']);
  });

  it.each([
    ['openai:gpt-4.1', { provider: 'openai', name: 'gpt-4.1', spec: 'openai:gpt-4.1' }],
    [
      'openai-compatible:http://localhost:11434/v1#qwen2.5-coder:7b',
      {
        provider: 'openai-compatible',
        baseUrl: 'http://localhost:11434/v1',
        name: 'qwen2.5-coder:7b',
        spec: 'openai-compatible:http://localhost:11434/v1#qwen2.5-coder:7b',
      },
    ],
    [
      'scripted:.mimo/turns.jsonl',
      { provider: 'scripted', name: '.mimo/turns.jsonl', spec: 'scripted:.mimo/turns.jsonl' },
    ],
  ])('normalizes the model string %s', (spec, expected) => {
    expect(parseConfig(`model: "${spec}"`).model).toEqual(expected);
  });

  it('accepts the model as an object and builds its spec', () => {
    const config = parseConfig(
      'model: { provider: openai-compatible, name: deepseek-coder, baseUrl: "http://vllm:8000/v1" }',
    );
    expect(config.model.spec).toBe('openai-compatible:http://vllm:8000/v1#deepseek-coder');
  });
});

describe('bad configs name the field, what was found and what is expected', () => {
  it.each([
    [
      'limits: { iterations: -3 }',
      /limits\.iterations: Too small: expected number to be >=1 \(found number -3\)/,
    ],
    ['limits: { iterations: 2.5 }', /limits\.iterations: expected int.*\(found number 2\.5\)/],
    [
      'limits: { costUsd: "five" }',
      /limits\.costUsd: expected number, received string \(found string "five"\)/,
    ],
    ['test: 42', /test: expected string, received number \(found number 42\)/],
    [
      'triggers: { ci: { enabled: "yes" } }',
      /triggers\.ci\.enabled: expected boolean.*\(found string "yes"\)/,
    ],
    ['paths: { allow: "src/**" }', /paths\.allow: expected array.*\(found string "src\/\*\*"\)/],
    ['network: true', /network: expected object.*\(found boolean true\)/],
    ['model: { provider: gemini, name: x }', /model: /],
    ['limitz: { iterations: 3 }', /unknown field `limitz`/],
    ['limits: { iteration: 3 }', /limits: unknown field `iteration`/],
  ])('%s', (text, message) => {
    expect(configError(text).message).toMatch(message);
  });

  it('names the field in ConfigError.field', () => {
    expect(configError('limits: { tokens: 0 }').field).toBe('limits.tokens');
  });

  it('rejects a model string with an unknown provider, listing the valid ones', () => {
    const error = configError('model: gemini:pro');
    expect(error.message).toMatch(/model: expected `none` or one of `openai:…`, `anthropic:…`/);
    expect(error.message).toContain('found "gemini:pro"');
  });

  it('rejects openai-compatible without a model name', () => {
    expect(configError('model: "openai-compatible:http://localhost:11434/v1"').message).toMatch(
      /openai-compatible:<baseURL>#<model>/,
    );
  });

  it('rejects an object model missing its name', () => {
    expect(configError('model: { provider: openai }').message).toBe(
      'model.name: required for provider `openai`',
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(configError('limits:\n  iterations: [1, 2\n').message).toMatch(
      /is not valid YAML at line \d+, column \d+/,
    );
  });

  it('rejects duplicate keys', () => {
    expect(configError('test: a\ntest: b\n').message).toMatch(/not valid YAML/);
  });

  it('rejects a file that is not a mapping', () => {
    expect(configError('- test: a\n').message).toMatch(/must be a mapping of settings \(found a list\)/);
    expect(configError('just a string').message).toMatch(/found string "just a string"/);
  });

  it('lists every problem at once', () => {
    const message = configError('test: 1\nlimits: { iterations: 0 }').message;
    expect(message).toMatch(/- test:/);
    expect(message).toMatch(/- limits\.iterations:/);
  });
});

describe('loadConfig', () => {
  it('returns the defaults when the repository has no .github/mimo.yml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimo-config-'));
    expect(await loadConfig(dir)).toEqual(defaultConfig());
  });

  it('reads .github/mimo.yml from the repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mimo-config-'));
    mkdirSync(join(dir, '.github'));
    writeFileSync(join(dir, '.github', 'mimo.yml'), 'test: go test ./...\nlimits:\n  iterations: 3\n');
    const config = await loadConfig(dir);
    expect(config.test).toBe('go test ./...');
    expect(config.limits.iterations).toBe(3);
  });
});
