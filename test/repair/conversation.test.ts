import type { ChatMessage } from '../../src/models/index.js';
import { elideOldResults } from '../../src/repair/turn.js';

describe('conversation bound', () => {
  const tool = (content: string): ChatMessage => ({
    role: 'tool',
    toolCallId: 'x',
    name: 'read_file',
    content,
  });

  it('leaves a short conversation untouched (a prompt cache keeps matching)', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'start' }, tool('a'.repeat(5000)), tool('b')];
    const before = structuredClone(messages);
    elideOldResults(messages);
    expect(messages).toEqual(before);
  });

  it('cuts old tool results of a long conversation, never the first prompt or the latest turns', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'p'.repeat(50_000) }];
    for (let i = 0; i < 30; i++) messages.push(tool(`${i}:`.padEnd(10_000, 'x')));
    elideOldResults(messages);
    const total = messages.reduce((n, m) => n + m.content.length, 0);
    expect(total).toBeLessThanOrEqual(200_000);
    expect(messages[0]!.content).toHaveLength(50_000);
    expect(messages[1]!.content).toMatch(/^0:x{598}\n… \(older output elided/);
    expect(messages.slice(-12).every((m) => m.content.length >= 10_000)).toBe(true);
  });
});
