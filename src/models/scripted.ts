// Replays a JSONL file of turns, one line per answer: {"text"?: string, "toolCalls": [{"name", "arguments"}]}.
// For tests and demos only: it is not a model, and output calls it "scripted". Asking past the last turn is an error.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { ModelConfigError, ModelError } from './errors.js';
import { checkedCall, formatIssues } from './schema.js';
import type { Completion, CompletionRequest, Model, ToolCall } from './types.js';

export const ScriptedTurnSchema = z.strictObject({
  text: z.string().optional(),
  toolCalls: z
    .array(z.strictObject({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) }))
    .default([]),
});
export type ScriptedTurn = z.input<typeof ScriptedTurnSchema>;

/** Parses a script; errors name the line and the field. Blank lines and lines starting with `//` are skipped. */
export function parseScript(text: string, source = 'script'): z.output<typeof ScriptedTurnSchema>[] {
  const turns: z.output<typeof ScriptedTurnSchema>[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.trim().startsWith('//')) return;
    const where = `${source} line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new ModelConfigError(`${where} is not valid JSON`);
    }
    const parsed = ScriptedTurnSchema.safeParse(json);
    if (!parsed.success) {
      throw new ModelConfigError(`${where}: ${formatIssues(parsed.error)}`);
    }
    turns.push(parsed.data);
  });
  if (turns.length === 0) throw new ModelConfigError(`${source} has no turns`);
  return turns;
}

export class ScriptedModel implements Model {
  readonly id = 'scripted';
  private readonly turns: z.output<typeof ScriptedTurnSchema>[];
  private next = 0;

  constructor(
    turns: ScriptedTurn[],
    /** Shown in errors, e.g. the file name. */
    readonly source = 'script',
  ) {
    this.turns = turns.map((turn) => ScriptedTurnSchema.parse(turn));
  }

  static fromFile(path: string): ScriptedModel {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new ModelConfigError(`cannot read the scripted turns file ${path}`);
    }
    return new ScriptedModel(parseScript(text, basename(path)), basename(path));
  }

  /** Turns not replayed yet. */
  get remaining(): number {
    return this.turns.length - this.next;
  }

  async complete(request: CompletionRequest): Promise<Completion> {
    if (request.signal?.aborted)
      throw new ModelError('the scripted run was cancelled', 'aborted', 'scripted');
    const index = this.next;
    const turn = this.turns[index];
    if (!turn) {
      throw new ModelError(
        `scripted: ${this.source} has ${this.turns.length} turns and all were used; turn ${index + 1} was asked for`,
        'script',
        'scripted',
      );
    }
    this.next++;
    const toolCalls: ToolCall[] = turn.toolCalls.map((call, position) =>
      checkedCall(request.tools, { id: `scripted_${index + 1}_${position + 1}`, ...call }),
    );
    return {
      text: turn.text ?? '',
      toolCalls,
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0 },
      stopReason: toolCalls.length > 0 ? 'tool_use' : 'end_turn',
      latencyMs: 0,
      costUsd: 0,
      priced: true,
    };
  }
}
