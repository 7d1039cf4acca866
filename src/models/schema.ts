// Tool definitions as JSON Schema, converted from the tools' zod schemas (the one source of truth) by zod 4's
// `z.toJSONSchema`. Every provider adapter and the text protocol use this same conversion.
import { z } from 'zod';
import { ModelConfigError } from './errors.js';
import type { ToolCall, ToolDefinition } from './types.js';

export type JsonSchemaObject = { type: 'object'; [key: string]: unknown };

export interface JsonTool {
  name: string;
  description: string;
  parameters: JsonSchemaObject;
}

/**
 * Converts each tool's zod schema to the JSON Schema the model sees. `io: 'input'` describes what the model must
 * send (fields with defaults are optional). The `$schema` marker is dropped: providers want a bare object schema.
 */
export function toolsToJsonSchema(tools: ToolDefinition[]): JsonTool[] {
  return tools.map((tool) => {
    const { $schema: _ignored, ...schema } = z.toJSONSchema(tool.parameters, { io: 'input' }) as Record<
      string,
      unknown
    >;
    if (schema.type !== 'object') {
      throw new ModelConfigError(
        `tool "${tool.name}" must take an object of named arguments (its schema is not z.object)`,
      );
    }
    return { name: tool.name, description: tool.description, parameters: schema as JsonSchemaObject };
  });
}

/** Checks a call's arguments against its tool's zod schema; returns the reason when they do not fit. */
export function validateToolCall(tools: ToolDefinition[], name: string, args: unknown): string | undefined {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) {
    return `unknown tool "${name}"; the tools are: ${tools.map((candidate) => candidate.name).join(', ')}`;
  }
  const result = tool.parameters.safeParse(args);
  if (result.success) return undefined;
  return `invalid arguments for ${name}: ${formatIssues(result.error)}`;
}

/** The call, marked `invalid` with the reason when its tool is unknown or its arguments do not fit the schema. */
export function checkedCall(tools: ToolDefinition[], call: Omit<ToolCall, 'invalid'>): ToolCall {
  const problem = validateToolCall(tools, call.name, call.arguments);
  return problem ? { ...call, invalid: problem } : call;
}

/** `search: Too small: expected string to have >=1 characters; replace: Invalid input: expected string, …` */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    .join('; ');
}
