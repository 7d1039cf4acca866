import type { z } from 'zod';

/** A tool the agent may call; the zod schema is the one source of truth for its arguments. */
export interface ToolDefinition {
  name: string;
  description: string;
  parameters: z.ZodType;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Arguments as the model sent them (validated by the tool layer, not here). */
  arguments: unknown;
  /**
   * Set when the call could not be read or does not match the tool's schema (malformed JSON, unknown tool, wrong
   * arguments). The loop must not run it: it sends this text back as the call's error result (`isError: true`).
   */
  invalid?: string;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface Usage {
  /** All input tokens of the call, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache (billed at the cache-read price). */
  cacheReadTokens: number;
  /** The part of `inputTokens` written to the prompt cache (Anthropic, OpenAI gpt-5.6+), billed at the write price. */
  cacheWriteTokens?: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'other';

export interface CompletionRequest {
  /**
   * The stable prefix: instructions and the repository map. It is sent first (after the tools) and marked for prompt
   * caching, so put per-turn content in `messages`, not here.
   */
  system: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  maxTokens: number;
  signal?: AbortSignal;
  /** Milliseconds left in the job's time budget; retries never wait past it (set by `withBudget`). */
  remainingMs?: () => number;
  /** Called before each wait on a 429/5xx/overload, e.g. to log "anthropic is overloaded, retrying in 4 s". */
  onRetry?: (retry: { attempt: number; delayMs: number; message: string }) => void;
}

export interface Completion {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  stopReason: StopReason;
  latencyMs: number;
  /** Dollars for this call, from models/pricing; 0 with `priced: false` for unknown models. */
  costUsd: number;
  priced: boolean;
}

export interface Model {
  /** `provider:name`, as shown in logs (`scripted` for a replayed script, which is not a model). */
  readonly id: string;
  complete(request: CompletionRequest): Promise<Completion>;
}
