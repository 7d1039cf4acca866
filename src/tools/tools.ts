import { z } from 'zod';
import type { ToolCall, ToolDefinition } from '../models/index.js';
import { applyReplaceBlocks } from './replace.js';
import { searchWorkspace } from './search.js';
import { WorkspacePathError, type Workspace } from './workspace.js';

/** What the agent's tools may touch: the workspace, the anti-cheat guard and the test runner, nothing else. */
export interface ToolContext {
  workspace: Workspace;
  /** The reason an edit is refused (anti-cheat guard), or `null` when it is allowed. */
  checkEdit(path: string, before: string | null, after: string | null): string | null;
  /** Runs the test command (or a subset of tests) in the sandbox and returns the rendered result. */
  runTests(tests?: string[]): Promise<string>;
}

export interface FinishRequest {
  status: 'fixed' | 'give_up';
  summary: string;
  rootCause?: string;
}

export interface ToolOutcome {
  content: string;
  isError: boolean;
  /** Paths written by this call. */
  edited?: string[];
  /** Set when the anti-cheat guard refused the call. */
  rejected?: string;
  finish?: FinishRequest;
  /** The call asked for a test run. */
  ranTests?: boolean;
}

export interface AgentTool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: S;
  handler(args: z.infer<S>, context: ToolContext): Promise<ToolOutcome>;
}

function defineTool<S extends z.ZodType>(tool: AgentTool<S>): AgentTool {
  return tool as unknown as AgentTool;
}

const MAX_READ_LINES = 400;
const ok = (content: string): ToolOutcome => ({ content, isError: false });
const fail = (content: string): ToolOutcome => ({ content, isError: true });

const pathField = z.string().min(1).describe('Path relative to the repository root');

async function guardedWrite(
  context: ToolContext,
  path: string,
  before: string | null,
  after: string,
  what: string,
): Promise<ToolOutcome> {
  const rel = context.workspace.normalize(path);
  const refused = context.checkEdit(rel, before, after);
  if (refused) return { content: `Edit rejected: ${refused}`, isError: true, rejected: refused };
  await context.workspace.write(rel, after, { before });
  return { content: `${what} ${rel}.`, isError: false, edited: [rel] };
}

export const readFileTool = defineTool({
  name: 'read_file',
  description: `Read a file with line numbers. Optional 1-based inclusive line range; at most ${MAX_READ_LINES} lines per call.`,
  parameters: z.object({
    path: pathField,
    startLine: z.number().int().min(1).optional().describe('First line to show (default 1)'),
    endLine: z.number().int().min(1).optional().describe('Last line to show (default: start + 399)'),
  }),
  async handler({ path, startLine, endLine }, { workspace }) {
    const text = await workspace.read(path);
    const lines = text.split('\n');
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    const from = Math.min(startLine ?? 1, Math.max(lines.length, 1));
    const to = Math.min(endLine ?? from + MAX_READ_LINES - 1, from + MAX_READ_LINES - 1, lines.length);
    const body = lines
      .slice(from - 1, to)
      .map((line, i) => `${String(from + i).padStart(5)}| ${line}`)
      .join('\n');
    const rel = workspace.normalize(path);
    return ok(`${rel} (lines ${from}-${to} of ${lines.length})\n${body}`);
  },
});

export const listFilesTool = defineTool({
  name: 'list_files',
  description:
    'List files under a folder of the repository (recursive; dependency and cache folders are skipped).',
  parameters: z.object({
    path: z.string().optional().describe('Folder relative to the repository root (default: the root)'),
    maxDepth: z.number().int().min(0).max(20).optional().describe('How deep to descend (default 6)'),
  }),
  async handler({ path, maxDepth }, { workspace }) {
    const files = await workspace.list(path ?? '.', { maxEntries: 501, maxDepth: maxDepth ?? 6 });
    const shown = files.slice(0, 500);
    const more = files.length > 500 ? '\n… more files not shown; list a subfolder.' : '';
    return ok(shown.length > 0 ? shown.join('\n') + more : '(no files)');
  },
});

export const searchTool = defineTool({
  name: 'search',
  description:
    'Search the repository for text (or a regular expression); prints path:line: text for each match.',
  parameters: z.object({
    pattern: z
      .string()
      .min(1)
      .describe('Text to look for (a JavaScript regular expression when regex is true)'),
    path: z.string().optional().describe('Folder or file to search (default: the whole repository)'),
    regex: z.boolean().optional().describe('Treat the pattern as a regular expression (default false)'),
    maxResults: z.number().int().min(1).max(200).optional().describe('Default 50'),
  }),
  async handler({ pattern, path, regex, maxResults }, { workspace }) {
    const result = await searchWorkspace(workspace, {
      pattern,
      path,
      regex: regex ?? false,
      maxResults: maxResults ?? 50,
    });
    return result.ok ? ok(result.text) : fail(result.text);
  },
});

export const editTool = defineTool({
  name: 'edit',
  description:
    'Edit a file with search/replace blocks. Each search text must match exactly one place in the file ' +
    '(copy it exactly, without line numbers); blocks are applied in order.',
  parameters: z.object({
    path: pathField,
    edits: z
      .array(
        z.object({
          search: z.string().describe('Exact existing text'),
          replace: z.string().describe('New text'),
        }),
      )
      .min(1),
  }),
  async handler({ path, edits }, context) {
    const before = await context.workspace.read(path);
    const result = applyReplaceBlocks(context.workspace.normalize(path), before, edits);
    if (!result.ok) return fail(result.error);
    if (result.content === before)
      return fail('The edit changes nothing (search and replace are identical).');
    return guardedWrite(context, path, before, result.content, 'Edited');
  },
});

export const createFileTool = defineTool({
  name: 'create_file',
  description:
    'Create a new file with the given content (fails if the file exists: use edit for existing files).',
  parameters: z.object({ path: pathField, content: z.string() }),
  async handler({ path, content }, context) {
    if (await context.workspace.exists(path)) {
      return fail(`${context.workspace.normalize(path)} already exists; use edit to change it.`);
    }
    return guardedWrite(context, path, null, content, 'Created');
  },
});

export const runTestsTool = defineTool({
  name: 'run_tests',
  description: 'Run the test suite in the sandbox, or only the given tests (ids as the runner names them).',
  parameters: z.object({
    tests: z.array(z.string().min(1)).optional().describe('Test ids or files; default all'),
  }),
  async handler({ tests }, context) {
    return { content: await context.runTests(tests), isError: false, ranTests: true };
  },
});

export const finishTool = defineTool({
  name: 'finish',
  description:
    'End the run. status "fixed" when you believe the tests pass (the loop verifies it), "give_up" when you cannot ' +
    'fix it; summary says what you did, rootCause what was wrong.',
  parameters: z.object({
    status: z.enum(['fixed', 'give_up']),
    summary: z.string().min(1),
    rootCause: z.string().optional(),
  }),
  async handler(args) {
    return { content: 'Finish noted.', isError: false, finish: args };
  },
});

/** Every tool of the agent, defined once: the models convert these zod schemas to JSON Schema. */
export const agentTools: AgentTool[] = [
  readFileTool,
  listFilesTool,
  searchTool,
  editTool,
  createFileTool,
  runTestsTool,
  finishTool,
];

export function toolDefinitions(tools: AgentTool[] = agentTools): ToolDefinition[] {
  return tools.map(({ name, description, parameters }) => ({ name, description, parameters }));
}

/** Validates a call's arguments with its schema and runs it; every problem comes back as a message for the model. */
export async function executeToolCall(
  call: ToolCall,
  context: ToolContext,
  tools: AgentTool[] = agentTools,
): Promise<ToolOutcome> {
  if (call.invalid) return fail(call.invalid);
  const tool = tools.find((t) => t.name === call.name);
  if (!tool) return fail(`Unknown tool ${call.name}; the tools are ${tools.map((t) => t.name).join(', ')}.`);
  const parsed = tool.parameters.safeParse(call.arguments);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(arguments)'}: ${issue.message}`)
      .join('; ');
    return fail(`Invalid arguments for ${call.name}: ${issues}.`);
  }
  try {
    return await tool.handler(parsed.data, context);
  } catch (error) {
    if (error instanceof WorkspacePathError) return fail(error.message);
    throw error;
  }
}
