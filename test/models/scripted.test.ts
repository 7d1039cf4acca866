import {
  createModel,
  ModelConfigError,
  ModelError,
  parseScript,
  ScriptedModel,
} from '../../src/models/index.js';
import { fixturePath, tools } from './helpers.js';

const request = { system: 'You repair failing tests.', messages: [], tools, maxTokens: 1024 };

describe('scripted turns (tests and demos: not a model)', () => {
  it('replays a JSONL file turn by turn and then refuses to go past the end', async () => {
    const scripted = createModel(`scripted:${fixturePath('fix-mean.jsonl')}`)!;
    expect(scripted.id).toBe('scripted');

    const first = await scripted.complete(request);
    const second = await scripted.complete(request);
    const third = await scripted.complete(request);

    expect(first).toEqual({
      text: 'Reading the module under test.',
      toolCalls: [{ id: 'scripted_1_1', name: 'read_file', arguments: { path: 'calc/stats.py' } }],
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 },
      stopReason: 'tool_use',
      latencyMs: 0,
      costUsd: 0,
      priced: true,
    });
    expect(second.toolCalls.map((call) => call.name)).toEqual(['edit', 'run_tests']);
    expect(second.text).toBe('');
    expect(third).toMatchObject({
      text: 'mean() divides by len(values) again; the tests pass.',
      toolCalls: [],
      stopReason: 'end_turn',
    });
    const past = scripted.complete(request);
    await expect(past).rejects.toBeInstanceOf(ModelError);
    await expect(past).rejects.toThrow(
      'scripted: fix-mean.jsonl has 3 turns and all were used; turn 4 was asked for',
    );
  });

  it('resolves a relative path against baseDir', async () => {
    const scripted = createModel('scripted:fix-mean.jsonl', { baseDir: fixturePath('') }) as ScriptedModel;
    expect(scripted.remaining).toBe(3);
  });

  it('names the line and the field of a bad script', () => {
    expect(() => parseScript('{"toolCalls": []}\n{"toolCalls": [{"name": "edit"}]}', 'demo.jsonl')).toThrow(
      /^demo\.jsonl line 2: .*arguments/,
    );
    expect(() => parseScript('{"text": "ok"}\nnot json', 'demo.jsonl')).toThrow(
      'demo.jsonl line 2 is not valid JSON',
    );
    expect(() => parseScript('{"answer": "hi"}', 'demo.jsonl')).toThrow(ModelConfigError);
    expect(() => createModel('scripted:/nonexistent/turns.jsonl')).toThrow(
      'cannot read the scripted turns file /nonexistent/turns.jsonl',
    );
  });

  it('marks a scripted call that does not fit the tool schema, as a model call would be', async () => {
    const scripted = new ScriptedModel(
      [{ toolCalls: [{ name: 'read_file', arguments: { file: 'a.py' } }] }],
      'inline',
    );
    const { toolCalls } = await scripted.complete(request);
    expect(toolCalls[0]!.invalid).toMatch(/^invalid arguments for read_file: .*path/);
  });
});
