import type { ChatMessage, Completion, Model, ToolCall } from '../models/index.js';
import { executeToolCall, toolDefinitions, type FinishRequest, type ToolContext } from '../tools/index.js';
import { systemPrompt } from './prompt.js';
import type { Session } from './session.js';

const EDIT_TOOLS = new Set(['edit', 'create_file']);

/** The conversation of the model phase: messages so far, the tools' context, and the edit calls already seen. */
export interface Conversation {
  messages: ChatMessage[];
  toolContext: ToolContext;
  editCalls: Map<string, { times: number; applied: boolean }>;
}

/** What one turn did: the model's answer and its tool calls, before the loop judges it. */
export interface Turn {
  /** The model call threw (budget, provider error, abort); nothing else happened this turn. */
  failure?: unknown;
  completion?: Completion;
  toolCalls: number;
  edited: boolean;
  finish?: FinishRequest;
  /** An edit call repeated after it was applied (or failing too often); the turn stopped at that call. */
  repeated?: string;
}

/**
 * One turn (SWE-agent's `step`/`forward`): call the model with the conversation, then run its tool calls in
 * order. It decides nothing about stopping: `judgement.ts` reads the returned `Turn`.
 */
export async function takeTurn(session: Session, model: Model, convo: Conversation): Promise<Turn> {
  const { budget } = session.options;
  elideOldResults(convo.messages);
  let completion: Completion;
  try {
    completion = await model.complete({
      system: systemPrompt(session.mode),
      messages: convo.messages,
      tools: toolDefinitions(),
      maxTokens: session.options.maxTokensPerTurn ?? 4096,
      signal: session.signal,
    });
  } catch (failure) {
    return { failure, toolCalls: 0, edited: false };
  }
  if (session.options.chargeUsage) budget.charge(completion.usage, completion.costUsd);
  session.emit(
    'model',
    `${model.id}: ${completion.toolCalls.length} tool call(s)${completion.text ? ` — ${completion.text.slice(0, 160)}` : ''}`,
    {
      tokens: { input: completion.usage.inputTokens, output: completion.usage.outputTokens },
      costUsd: completion.costUsd,
      durationMs: completion.latencyMs,
    },
  );
  convo.messages.push({ role: 'assistant', content: completion.text, toolCalls: completion.toolCalls });
  const turn: Turn = { completion, toolCalls: completion.toolCalls.length, edited: false };
  for (const call of completion.toolCalls) {
    const repeated = repeatedEdit(session, call, convo.editCalls);
    if (repeated) return { ...turn, repeated };
    const outcome = await runCall(session, call, convo);
    convo.messages.push({
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content: outcome.content,
      isError: outcome.isError,
    });
    if (outcome.edited?.length) turn.edited = true;
    if (outcome.finish) turn.finish = outcome.finish;
  }
  return turn;
}

/** Above this many characters of conversation, old tool results are shortened (the latest turns stay whole). */
const MAX_CONVERSATION_CHARS = 200_000;
const KEEP_RECENT_MESSAGES = 12;

/**
 * Keeps the conversation bounded: once it is long, tool results older than the last few messages are cut to their
 * head. Short runs are never touched, so a provider's prompt cache keeps matching their prefix.
 */
export function elideOldResults(messages: ChatMessage[]): void {
  let total = messages.reduce((n, m) => n + m.content.length, 0);
  for (let i = 1; i < messages.length - KEEP_RECENT_MESSAGES && total > MAX_CONVERSATION_CHARS; i++) {
    const m = messages[i]!;
    if (m.role !== 'tool' || m.content.length <= 800) continue;
    const cut = `${m.content.slice(0, 600)}\n… (older output elided to save room; call the tool again if you need it)`;
    total -= m.content.length - cut.length;
    m.content = cut;
  }
}

function editKey(call: ToolCall): string | undefined {
  return EDIT_TOOLS.has(call.name) ? `${call.name}:${JSON.stringify(call.arguments)}` : undefined;
}

/**
 * The same edit call (same tool and arguments) again after it was applied means the model is going in circles; a
 * call that failed (no match, rejected) may be retried until the no-progress limit. Returns what was repeated.
 */
function repeatedEdit(
  session: Session,
  call: ToolCall,
  editCalls: Conversation['editCalls'],
): string | undefined {
  const key = editKey(call);
  if (!key) return undefined;
  const seen = editCalls.get(key) ?? { times: 0, applied: false };
  seen.times++;
  editCalls.set(key, seen);
  if (!seen.applied && seen.times < session.noProgressLimit) return undefined;
  session.emit('tool', `${call.name} repeated`, {
    tool: { name: call.name, arguments: call.arguments, isError: true },
  });
  return `${call.name} ${summarizeArgs(call.arguments)}`;
}

async function runCall(session: Session, call: ToolCall, convo: Conversation) {
  const outcome = await executeToolCall(call, convo.toolContext);
  const key = editKey(call);
  if (key && outcome.edited?.length) convo.editCalls.get(key)!.applied = true;
  session.emit(
    'tool',
    `${call.name} ${summarizeArgs(call.arguments)}${outcome.rejected ? ' — rejected by the guard' : outcome.isError ? ' — error' : ''}`,
    {
      tool: {
        name: call.name,
        arguments: call.arguments,
        isError: outcome.isError,
        rejected: outcome.rejected,
      },
    },
  );
  return outcome;
}

function summarizeArgs(args: unknown): string {
  if (!args || typeof args !== 'object') return '';
  const a = args as Record<string, unknown>;
  if (typeof a.path === 'string') return a.path;
  if (typeof a.pattern === 'string') return JSON.stringify(a.pattern);
  if (typeof a.status === 'string') return a.status;
  if (Array.isArray(a.tests)) return `${a.tests.length} test(s)`;
  return '';
}
