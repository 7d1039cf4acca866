// Anthropic's Messages API through `@anthropic-ai/sdk`: tool_use / tool_result blocks, and prompt caching on the
// stable prefix. The request order is tools → system → messages, so `cache_control` on the last tool, on the system
// block (instructions + repository map) and on the newest message makes each later iteration read everything before
// it from the cache: it costs 10% of the input price and answers sooner.
import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlock,
  ContentBlockParam,
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import { toModelError, type ErrorContext } from './errors.js';
import { costOf, findPrice, type ModelPrice, type PricingTable } from './pricing.js';
import { requestTimeoutMs, retryOptions, withRetry, type RetryOptions } from './retry.js';
import { checkedCall, toolsToJsonSchema } from './schema.js';
import type {
  ChatMessage,
  Completion,
  CompletionRequest,
  Model,
  StopReason,
  ToolCall,
  Usage,
} from './types.js';

export interface AnthropicModelOptions {
  model: string;
  apiKey: string;
  pricing: PricingTable;
  baseURL?: string;
  retry?: Omit<RetryOptions, 'signal' | 'remainingMs'>;
}

const EPHEMERAL = { type: 'ephemeral' } as const;
/** How many replies' raw content we keep to send back verbatim (thinking blocks must be returned unchanged). */
const KEPT_REPLIES = 200;

export class AnthropicModel implements Model {
  readonly id: string;
  /** List price per million tokens (config overrides applied); undefined when unknown: calls cost 0, `priced: false`. */
  readonly price: ModelPrice | undefined;
  private readonly client: Anthropic;
  private readonly context: ErrorContext;
  /** Raw content of recent replies by their first tool_use id, so a turn goes back exactly as the model wrote it. */
  private readonly replies = new Map<string, ContentBlock[]>();

  constructor(private readonly options: AnthropicModelOptions) {
    this.id = `anthropic:${options.model}`;
    this.price = findPrice(options.model, 'anthropic', options.pricing);
    this.context = {
      provider: 'anthropic',
      model: options.model,
      keyEnv: 'ANTHROPIC_API_KEY',
      secrets: [options.apiKey],
    };
    // An explicit apiKey keeps the SDK from reading any other credential; maxRetries 0: withRetry is the policy.
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL ?? 'https://api.anthropic.com',
      maxRetries: 0,
    });
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const started = performance.now();
    const remaining = request.remainingMs;
    const body = this.body(request);
    const response: Message = await withRetry(
      () =>
        this.client.messages.create(body, {
          signal: request.signal,
          timeout: requestTimeoutMs(remaining),
        }),
      (error) => toModelError(error, this.context),
      retryOptions(this.options.retry, request),
    );
    return this.toCompletion(response, request, performance.now() - started);
  }

  private body(request: CompletionRequest): MessageCreateParamsNonStreaming {
    const tools: Tool[] = toolsToJsonSchema(request.tools).map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: tool.parameters,
    }));
    const lastTool = tools[tools.length - 1];
    if (lastTool) lastTool.cache_control = EPHEMERAL;
    const system: TextBlockParam[] = [{ type: 'text', text: request.system, cache_control: EPHEMERAL }];
    const messages = toAnthropicMessages(request.messages, (id) => this.replies.get(id));
    markConversation(messages);
    return {
      model: this.options.model,
      max_tokens: request.maxTokens,
      system,
      messages,
      ...(tools.length > 0 ? { tools } : {}),
    };
  }

  private toCompletion(response: Message, request: CompletionRequest, latencyMs: number): Completion {
    const texts: string[] = [];
    const toolCalls: ToolCall[] = [];
    for (const block of response.content) {
      if (block.type === 'text') texts.push(block.text);
      else if (block.type === 'tool_use') {
        toolCalls.push(
          checkedCall(request.tools, { id: block.id, name: block.name, arguments: block.input }),
        );
      }
    }
    const first = toolCalls[0];
    if (first) this.remember(first.id, response.content);
    const usage = readUsage(response.usage);
    const stopReason: StopReason =
      toolCalls.length > 0 ? 'tool_use' : (STOP[response.stop_reason ?? ''] ?? 'other');
    return { text: texts.join('\n'), toolCalls, usage, stopReason, latencyMs, ...costOf(usage, this.price) };
  }

  private remember(id: string, content: ContentBlock[]): void {
    this.replies.set(id, content);
    if (this.replies.size > KEPT_REPLIES) this.replies.delete(this.replies.keys().next().value as string);
  }
}

const STOP: Record<string, StopReason> = {
  end_turn: 'end_turn',
  stop_sequence: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
};

/** Anthropic's input_tokens excludes cache reads and writes; ours counts every input token. */
function readUsage(usage: Message['usage']): Usage {
  const cacheReadTokens = usage.cache_read_input_tokens ?? 0;
  const cacheWriteTokens = usage.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens + cacheReadTokens + cacheWriteTokens,
    outputTokens: usage.output_tokens,
    cacheReadTokens,
    cacheWriteTokens,
  };
}

/**
 * Our conversation as Anthropic turns: tool results become `tool_result` blocks in a user turn (before any text, as
 * the API requires), and consecutive user items share one turn.
 */
export function toAnthropicMessages(
  messages: ChatMessage[],
  rawReply: (firstToolUseId: string) => ContentBlock[] | undefined = () => undefined,
): MessageParam[] {
  const out: MessageParam[] = [];
  const userTurn = (): ContentBlockParam[] => {
    const last = out[out.length - 1];
    if (last && last.role === 'user' && Array.isArray(last.content)) return last.content;
    const content: ContentBlockParam[] = [];
    out.push({ role: 'user', content });
    return content;
  };
  for (const message of messages) {
    if (message.role === 'assistant') {
      const calls = message.toolCalls ?? [];
      const raw = calls[0] ? rawReply(calls[0].id) : undefined;
      const content = raw ? raw.map(replayBlock) : assistantBlocks(message.content, calls);
      if (content.length > 0) out.push({ role: 'assistant', content });
    } else if (message.role === 'tool') {
      const turn = userTurn();
      const result: ToolResultBlockParam = {
        type: 'tool_result',
        tool_use_id: message.toolCallId,
        content: message.content,
        ...(message.isError ? { is_error: true } : {}),
      };
      const firstText = turn.findIndex((block) => block.type !== 'tool_result');
      if (firstText === -1) turn.push(result);
      else turn.splice(firstText, 0, result);
    } else if (message.content) {
      userTurn().push({ type: 'text', text: message.content });
    }
  }
  return out;
}

/** A block of a reply as a request block: thinking goes back with its signature, response-only fields are dropped. */
function replayBlock(block: ContentBlock): ContentBlockParam {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    default:
      return block as ContentBlockParam;
  }
}

function assistantBlocks(text: string, calls: ToolCall[]): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = text ? [{ type: 'text', text }] : [];
  for (const call of calls) {
    const input = typeof call.arguments === 'object' && call.arguments !== null ? call.arguments : {};
    blocks.push({ type: 'tool_use', id: call.id, name: call.name, input });
  }
  return blocks;
}

/**
 * Cache breakpoints on the conversation: on the newest turn (written now, read by the next iteration) and on the
 * user turn before it (where the previous iteration wrote its breakpoint, so it is found however many blocks the
 * last answer added; the API looks back only 20 blocks). With tools and system that makes the API's maximum of 4.
 */
function markConversation(messages: MessageParam[]): void {
  const lastIndex = messages.length - 1;
  const previousUser = messages.findLastIndex(
    (message, index) => index < lastIndex - 1 && message.role === 'user',
  );
  for (const index of [previousUser, lastIndex]) {
    const message = messages[index];
    if (!message) continue;
    if (typeof message.content === 'string') message.content = [{ type: 'text', text: message.content }];
    const block = message.content[message.content.length - 1];
    if (block && (block.type === 'text' || block.type === 'tool_result' || block.type === 'tool_use')) {
      message.content[message.content.length - 1] = { ...block, cache_control: EPHEMERAL };
    }
  }
}
