import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ToolDefinition } from '../../src/models/index.js';

/** The agent's tools as the tools/ organ defines them: a zod schema each. */
export const tools: ToolDefinition[] = [
  {
    name: 'read_file',
    description: 'Read a file of the repository.',
    parameters: z.object({ path: z.string().describe('Path relative to the repository root') }),
  },
  {
    name: 'edit',
    description: 'Replace one exact occurrence of `search` with `replace` in a file.',
    parameters: z.object({ path: z.string(), search: z.string().min(1), replace: z.string() }),
  },
  {
    name: 'run_tests',
    description: 'Run the test command, optionally only some tests.',
    parameters: z.object({ filter: z.string().optional() }),
  },
];

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/models/${name}`, import.meta.url), 'utf8')) as T;
}

export const fixturePath = (name: string) => new URL(`../fixtures/models/${name}`, import.meta.url).pathname;

/** A sleep that records the delays asked for and returns at once. */
export function recordingSleep() {
  const delays: number[] = [];
  const sleep = async (ms: number) => {
    delays.push(ms);
  };
  return { delays, sleep };
}
