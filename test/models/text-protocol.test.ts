import { parseTextToolCalls, textProtocolMessages, textProtocolSystem } from '../../src/models/index.js';
import { tools } from './helpers.js';

function ids() {
  let n = 0;
  return () => `call_${++n}`;
}

describe('text protocol for models without native tool calls', () => {
  it('describes every tool with the JSON Schema of its zod schema', () => {
    const system = textProtocolSystem('You repair failing tests.', tools);
    expect(system.startsWith('You repair failing tests.\n\n# Calling tools')).toBe(true);
    expect(system).toContain(
      '## edit\nReplace one exact occurrence of `search` with `replace` in a file.\nArguments (JSON Schema): ' +
        '{"type":"object","properties":{"path":{"type":"string"},"search":{"type":"string","minLength":1},"replace":{"type":"string"}},"required":["path","search","replace"]}',
    );
    expect(textProtocolSystem('plain', [])).toBe('plain');
  });

  it('reads ```tool blocks and call-shaped ```json blocks, leaving the prose and other code alone', () => {
    const reply = [
      'The bug is the divisor.',
      '```python\nreturn sum(values) / len(values)\n```',
      '```tool\n{"name": "edit", "arguments": {"path": "calc/stats.py", "search": "(len(values) - 1)", "replace": "len(values)"}}\n```',
      '```json\n{"name": "run_tests", "arguments": {}}\n```',
      '```json\n{"expected": 2.0}\n```',
    ].join('\n\n');

    const { text, toolCalls } = parseTextToolCalls(reply, tools, ids());

    expect(toolCalls).toEqual([
      {
        id: 'call_1',
        name: 'edit',
        arguments: { path: 'calc/stats.py', search: '(len(values) - 1)', replace: 'len(values)' },
      },
      { id: 'call_2', name: 'run_tests', arguments: {} },
    ]);
    expect(text).toBe(
      'The bug is the divisor.\n\n```python\nreturn sum(values) / len(values)\n```\n\n```json\n{"expected": 2.0}\n```',
    );
  });

  it('marks unreadable, unknown and ill-typed calls with a reason the model can act on', () => {
    const reply = [
      '```tool\n{"name": "read_file", "arguments": {"path": }}\n```',
      '```tool\n{"name": "delete_repo", "arguments": {}}\n```',
      '```tool\n{"name": "edit", "arguments": {"path": "a.py", "search": ""}}\n```',
      '```tool\n{"arguments": {"path": "a.py"}}\n```',
    ].join('\n');

    const { toolCalls } = parseTextToolCalls(reply, tools, ids());

    expect(toolCalls.map((call) => call.invalid)).toEqual([
      expect.stringMatching(
        /^the tool call block is not valid JSON \(.+\)\. Write \{"name": "<tool>", "arguments": \{\.\.\.\}\} inside a ```tool block\.$/,
      ),
      'unknown tool "delete_repo"; the tools are: read_file, edit, run_tests',
      'invalid arguments for edit: search: Too small: expected string to have >=1 characters; replace: Invalid input: expected string, received undefined',
      expect.stringMatching(/^the tool call block has no "name"/),
    ]);
  });

  it('renders the conversation as plain turns: calls as blocks, results and errors as user text', () => {
    const turns = textProtocolMessages([
      { role: 'user', content: 'test_mean fails' },
      { role: 'assistant', content: '', toolCalls: [{ id: 'c1', name: 'run_tests', arguments: {} }] },
      { role: 'tool', toolCallId: 'c1', name: 'run_tests', content: '1 failed' },
      { role: 'tool', toolCallId: 'c2', name: 'edit', content: 'search text not found', isError: true },
      { role: 'user', content: 'Iteration 2.' },
    ]);
    expect(turns).toEqual([
      { role: 'user', content: 'test_mean fails' },
      { role: 'assistant', content: '```tool\n{"name":"run_tests","arguments":{}}\n```' },
      {
        role: 'user',
        content:
          'Result of tool run_tests (call c1):\n1 failed\n\nError from tool edit (call c2):\nsearch text not found\n\nIteration 2.',
      },
    ]);
  });
});
