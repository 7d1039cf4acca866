// OpenAI chat completions through the official `openai` SDK, and any OpenAI-compatible server through `baseURL`
// (Ollama, vLLM, llama.cpp server, DeepSeek, OpenRouter). Native tool calls (parallel ones included) by default;
// the text protocol for servers or models without tool calling, chosen automatically when the server says so.
import OpenAI from 'openai';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { ModelError, toModelError, type ErrorContext } from './errors.js';
import { costOf, findPrice, type ModelPrice, type PricingTable } from './pricing.js';
import { requestTimeoutMs, retryOptions, withRetry, type RetryOptions } from './retry.js';
import { checkedCall, toolsToJsonSchema } from './schema.js';
import { parseTextToolCalls, textProtocolMessages, textProtocolSystem } from './text-protocol.js';
import type {
  ChatMessage,
  Completion,
  CompletionRequest,
  Model,
  StopReason,
  ToolCall,
  Usage,
} from './types.js';

export type ToolProtocol = 'native' | 'text' | 'auto';

export interface OpenAIModelOptions {
  provider: 'openai' | 'openai-compatible';
  model: string;
  baseURL: string;
  apiKey: string;
  /** Environment variable the key came from, named in a 401 message. */
  keyEnv: string;
  pricing: PricingTable;
  /** `auto` (the default for openai-compatible) switches to the text protocol when the server rejects `tools`. */
  toolProtocol?: ToolProtocol;
  retry?: Omit<RetryOptions, 'signal' | 'remainingMs'>;
}

/** What servers answer when a model cannot take `tools`: Ollama, llama.cpp without --jinja, vLLM without a parser. */
const TOOLS_UNSUPPORTED =
  /does not support tools|tools? (are|is) not supported|--jinja|enable-auto-tool-choice|tool.?choice/i;

export class OpenAIChatModel implements Model {
  readonly id: string;
  /** List price per million tokens (config overrides applied); undefined when unknown: calls cost 0, `priced: false`. */
  readonly price: ModelPrice | undefined;
  private readonly client: OpenAI;
  private protocol: ToolProtocol;
  private readonly context: ErrorContext;
  private calls = 0;

  constructor(private readonly options: OpenAIModelOptions) {
    const { provider, model, baseURL } = options;
    this.id = provider === 'openai' ? `openai:${model}` : `openai-compatible:${baseURL}#${model}`;
    this.price = findPrice(model, provider, options.pricing);
    this.protocol = options.toolProtocol ?? (provider === 'openai' ? 'native' : 'auto');
    this.context = {
      provider: provider === 'openai' ? 'openai' : `openai-compatible server ${baseURL}`,
      model,
      keyEnv: options.keyEnv,
      secrets: [options.apiKey],
    };
    // maxRetries 0: withRetry below is the one retry policy. organization/project null: nothing read from env.
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL,
      maxRetries: 0,
      organization: null,
      project: null,
    });
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    const started = performance.now();
    let native = this.protocol !== 'text';
    let response: ChatCompletion;
    try {
      response = await this.send(native ? this.nativeBody(request) : this.textBody(request), request);
    } catch (error) {
      if (!(native && this.protocol === 'auto' && error instanceof ModelError && isToolsRejected(error)))
        throw error;
      this.protocol = 'text';
      native = false;
      response = await this.send(this.textBody(request), request);
    }
    if (native && this.protocol === 'auto' && request.tools.length > 0) this.protocol = 'native';
    return this.toCompletion(response, request, native, performance.now() - started);
  }

  private send(
    body: ChatCompletionCreateParamsNonStreaming,
    request: CompletionRequest,
  ): Promise<ChatCompletion> {
    const remaining = request.remainingMs;
    return withRetry(
      () =>
        this.client.chat.completions.create(body, {
          signal: request.signal,
          timeout: requestTimeoutMs(remaining),
        }),
      (error) => {
        const failure = toModelError(error, this.context);
        // llama.cpp answers a 500 when it cannot take tools: retrying cannot help, switching protocol can.
        return failure.kind === 'server' && TOOLS_UNSUPPORTED.test(failure.message)
          ? new ModelError(failure.message, 'bad_request', failure.provider, failure.status)
          : failure;
      },
      retryOptions(this.options.retry, request),
    );
  }

  private limit(maxTokens: number): Partial<ChatCompletionCreateParamsNonStreaming> {
    // OpenAI's reasoning models take only max_completion_tokens; Ollama and llama.cpp know only max_tokens.
    return this.options.provider === 'openai'
      ? { max_completion_tokens: maxTokens }
      : { max_tokens: maxTokens };
  }

  private nativeBody(request: CompletionRequest): ChatCompletionCreateParamsNonStreaming {
    const tools: ChatCompletionTool[] = toolsToJsonSchema(request.tools).map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
    return {
      model: this.options.model,
      messages: [{ role: 'system', content: request.system }, ...request.messages.map(toOpenAIMessage)],
      ...(tools.length > 0 ? { tools } : {}),
      ...(tools.length > 0 && this.options.provider === 'openai' ? { parallel_tool_calls: true } : {}),
      ...this.limit(request.maxTokens),
    };
  }

  private textBody(request: CompletionRequest): ChatCompletionCreateParamsNonStreaming {
    return {
      model: this.options.model,
      messages: [
        { role: 'system', content: textProtocolSystem(request.system, request.tools) },
        ...textProtocolMessages(request.messages),
      ],
      ...this.limit(request.maxTokens),
    };
  }

  private toCompletion(
    response: ChatCompletion,
    request: CompletionRequest,
    native: boolean,
    latencyMs: number,
  ): Completion {
    const choice = response.choices?.[0];
    if (!choice)
      throw new ModelError(
        `${this.context.provider} returned no answer (empty choices)`,
        'server',
        this.context.provider,
      );
    const content = choice.message.content ?? '';
    const turn = ++this.calls;
    let text = content;
    let toolCalls: ToolCall[];
    if (native) {
      toolCalls = (choice.message.tool_calls ?? []).flatMap((call) =>
        call.type === 'function'
          ? [readNativeCall(call.id, call.function.name, call.function.arguments, request)]
          : [],
      );
    } else {
      let index = 0;
      ({ text, toolCalls } = parseTextToolCalls(content, request.tools, () => `call_${turn}_${++index}`));
    }
    const usage = readUsage(response.usage);
    const stopReason: StopReason =
      toolCalls.length > 0 ? 'tool_use' : (FINISH[choice.finish_reason] ?? 'other');
    return { text, toolCalls, usage, stopReason, latencyMs, ...costOf(usage, this.price) };
  }
}

const FINISH: Record<string, StopReason> = { stop: 'end_turn', tool_calls: 'tool_use', length: 'max_tokens' };

function isToolsRejected(error: ModelError): boolean {
  return error.kind === 'bad_request' && TOOLS_UNSUPPORTED.test(error.message);
}

function readNativeCall(
  id: string,
  name: string,
  rawArguments: string,
  request: CompletionRequest,
): ToolCall {
  let args: unknown;
  try {
    args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
  } catch {
    return {
      id,
      name,
      arguments: rawArguments,
      invalid: `the arguments of ${name} are not valid JSON; send a JSON object`,
    };
  }
  return checkedCall(request.tools, { id, name, arguments: args });
}

/** OpenAI reports cached input in prompt_tokens_details; DeepSeek in prompt_cache_hit_tokens. */
function readUsage(usage: ChatCompletion['usage']): Usage {
  if (!usage) return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 };
  const extra = usage as unknown as { prompt_cache_hit_tokens?: number };
  return {
    inputTokens: usage.prompt_tokens ?? 0,
    outputTokens: usage.completion_tokens ?? 0,
    cacheReadTokens: usage.prompt_tokens_details?.cached_tokens ?? extra.prompt_cache_hit_tokens ?? 0,
    cacheWriteTokens: usage.prompt_tokens_details?.cache_write_tokens ?? 0,
  };
}

export function toOpenAIMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        content: message.content || null,
        tool_calls: message.toolCalls.map((call) => ({
          id: call.id,
          type: 'function',
          function: {
            name: call.name,
            arguments:
              typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
          },
        })),
      };
    case 'tool':
      return {
        role: 'tool',
        tool_call_id: message.toolCallId,
        content: message.isError ? `Error: ${message.content}` : message.content,
      };
  }
}
