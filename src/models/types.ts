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
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'other';

export interface CompletionRequest {
  system: string;
  messages: ChatMessage[];
  tools: ToolDefinition[];
  maxTokens: number;
  signal?: AbortSignal;
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
  /** `provider:name`, as shown in logs. */
  readonly id: string;
  complete(request: CompletionRequest): Promise<Completion>;
}
