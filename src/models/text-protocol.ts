// Tool calls for models without native tool calling: the tools are described in the system prompt, the model writes
// each call as a fenced ```tool block holding {"name": …, "arguments": {…}}, and we parse and validate the blocks
// with the tools' zod schemas. A block that cannot be read or does not fit comes back as a call marked `invalid`,
// whose reason the loop returns to the model as the call's error result: a bad call is a message, not a crash.
import { checkedCall, toolsToJsonSchema } from './schema.js';
import type { ChatMessage, ToolCall, ToolDefinition } from './types.js';

export interface TextMessage {
  role: 'user' | 'assistant';
  content: string;
}

/** The system prompt with the tool-calling instructions and every tool's JSON Schema appended. */
export function textProtocolSystem(system: string, tools: ToolDefinition[]): string {
  if (tools.length === 0) return system;
  const described = toolsToJsonSchema(tools).map(
    (tool) =>
      `## ${tool.name}\n${tool.description}\nArguments (JSON Schema): ${JSON.stringify(tool.parameters)}`,
  );
  return [
    system,
    '# Calling tools',
    'To call a tool, write a fenced block tagged `tool` holding one JSON object with the tool name and its arguments:',
    '```tool\n{"name": "<tool name>", "arguments": {<arguments>}}\n```',
    'Write one block per call; several blocks make several calls. After your blocks, stop: the results come back in ' +
      'the next message. A call that is not valid JSON or does not match the schema comes back as an error.',
    '# Tools',
    ...described,
  ].join('\n\n');
}

export function renderToolCall(call: Pick<ToolCall, 'name' | 'arguments'>): string {
  return '```tool\n' + JSON.stringify({ name: call.name, arguments: call.arguments }) + '\n```';
}

/** The conversation in plain user/assistant turns: calls as ```tool blocks, results as user text. */
export function textProtocolMessages(messages: ChatMessage[]): TextMessage[] {
  const out: TextMessage[] = [];
  const push = (role: TextMessage['role'], content: string) => {
    const last = out[out.length - 1];
    if (last && last.role === role) last.content += `\n\n${content}`;
    else out.push({ role, content });
  };
  for (const message of messages) {
    if (message.role === 'user') push('user', message.content);
    else if (message.role === 'assistant') {
      const blocks = (message.toolCalls ?? []).map(renderToolCall);
      push('assistant', [message.content, ...blocks].filter(Boolean).join('\n\n'));
    } else {
      const label = message.isError ? 'Error from' : 'Result of';
      push('user', `${label} tool ${message.name} (call ${message.toolCallId}):\n${message.content}`);
    }
  }
  return out;
}

const FENCE = /```([\w-]*)[^\n]*\n([\s\S]*?)```/g;

/**
 * Reads the ```tool blocks of a reply (and ```json blocks shaped like a call), validated against the tools'
 * schemas. Returns the remaining prose and the calls; unreadable or invalid ones carry `invalid`.
 */
export function parseTextToolCalls(
  reply: string,
  tools: ToolDefinition[],
  nextId: () => string,
): { text: string; toolCalls: ToolCall[] } {
  const toolCalls: ToolCall[] = [];
  const text = reply.replace(FENCE, (block, tag: string, body: string) => {
    const call = readBlock(tag.toLowerCase(), body.trim(), tools, nextId);
    if (!call) return block;
    toolCalls.push(call);
    return '';
  });
  return { text: text.replace(/\n{3,}/g, '\n\n').trim(), toolCalls };
}

function readBlock(
  tag: string,
  body: string,
  tools: ToolDefinition[],
  nextId: () => string,
): ToolCall | undefined {
  const isToolTag = tag === 'tool' || tag === 'tool_call';
  if (!isToolTag && tag !== 'json' && tag !== '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    if (!isToolTag) return undefined;
    const reason = error instanceof Error ? error.message : 'not JSON';
    return invalidCall(
      nextId(),
      UNNAMED,
      body,
      `the tool call block is not valid JSON (${reason}). ${SHAPE}`,
    );
  }
  const record =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  if (!isToolTag && (!record || typeof record.name !== 'string' || !('arguments' in record)))
    return undefined;
  if (!record || typeof record.name !== 'string') {
    return invalidCall(nextId(), UNNAMED, parsed, `the tool call block has no "name". ${SHAPE}`);
  }
  return checkedCall(tools, { id: nextId(), name: record.name, arguments: record.arguments ?? {} });
}

/** Name given to a call whose block names no tool, so its error result still reads sensibly. */
const UNNAMED = 'unreadable_call';
const SHAPE = 'Write {"name": "<tool>", "arguments": {...}} inside a ```tool block.';

function invalidCall(id: string, name: string, args: unknown, reason: string): ToolCall {
  return { id, name, arguments: args, invalid: reason };
}
