import type { ChatMessage, Completion, Model, ToolCall } from '../models/index.js';
import { executeToolCall, toolDefinitions, type FinishRequest, type ToolContext } from '../tools/index.js';
import type { TestRun } from './context.js';
import { initialPrompt, systemPrompt, turnFeedback } from './prompt.js';
import { StopRun, type Session } from './session.js';
import { failingTests, isGreen, newFailures, selectTests } from './testrun.js';

const EDIT_TOOLS = new Set(['edit', 'create_file']);

function budgetLeft(session: Session): string {
  const { budget } = session.options;
  const spent = budget.spent();
  const l = budget.limits;
  return (
    `${Math.max(0, l.maxIterations - spent.iterations)} iterations, ${Math.round(budget.remainingMs() / 1000)} s, ` +
    `${Math.max(0, l.maxTokens - spent.tokens)} tokens, $${Math.max(0, l.maxCostUsd - spent.costUsd).toFixed(2)}`
  );
}

async function callModel(session: Session, model: Model, messages: ChatMessage[]): Promise<Completion> {
  try {
    return await model.complete({
      system: systemPrompt(session.mode),
      messages,
      tools: toolDefinitions(),
      maxTokens: session.options.maxTokensPerTurn ?? 4096,
      signal: session.signal,
    });
  } catch (error) {
    session.checkInterrupt();
    const limit = (error as { limit?: unknown }).limit;
    if (error instanceof Error && error.name === 'BudgetExceededError' && typeof limit === 'string') {
      throw new StopRun({ reason: 'budget', detail: error.message, limit });
    }
    throw new StopRun({
      reason: 'error',
      detail: `the model call failed: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

/** Model turns until the tests are green and accepted, or a stop condition ends the run. Returns the green run. */
export async function runModelTurns(
  session: Session,
  model: Model,
  current: TestRun,
  fixerNotes: string[],
): Promise<TestRun> {
  const { workspace, budget, analyzer } = session.options;
  const history: string[] = [];
  const signatures = new Map<string, number>([[current.signature, 1]]);
  const editCalls = new Map<string, { times: number; applied: boolean }>();
  let idleTurns = 0;
  let last = current;
  const originallyFailing = new Set(failingTests(session.baseline));

  await session.cacheSources(current);
  const messages: ChatMessage[] = [
    {
      role: 'user',
      content: initialPrompt({
        testCommand: session.options.testCommand,
        files: await workspace.list('.', { maxEntries: 400 }),
        feedback: await session.feedback(current),
        suspects: analyzer.rank?.([current.report]) ?? [],
        score: session.describe(await session.score(current)),
        fixerNotes,
        issue: session.mode === 'issue' ? session.options.issue : undefined,
        hints: session.options.hints,
      }),
    },
  ];
  const toolContext: ToolContext = {
    workspace,
    checkEdit: session.guard,
    runTests: async (tests) => {
      const run = await session.test(selectTests(session.options.testCommand, last.report.runner, tests));
      session.emitRun('tests', `run_tests${tests ? ` (${tests.length} selected)` : ''}`, run);
      return session.feedback(run);
    },
  };

  for (;;) {
    session.checkInterrupt();
    if (budget.spent().iterations >= budget.limits.maxIterations) {
      throw new StopRun({ reason: 'budget', detail: budget.describe('iterations'), limit: 'iterations' });
    }
    budget.startIteration();
    session.iteration++;
    elideOldResults(messages);
    const completion = await callModel(session, model, messages);
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
    messages.push({ role: 'assistant', content: completion.text, toolCalls: completion.toolCalls });
    if (completion.toolCalls.length === 0) {
      if (++idleTurns >= session.noProgressLimit) {
        throw new StopRun({
          reason: 'no_progress',
          detail: `${idleTurns} turns in a row without a tool call`,
        });
      }
      messages.push({
        role: 'user',
        content: '[mimo] Use the tools to inspect and edit the code, or call finish.',
      });
      continue;
    }
    idleTurns = 0;
    let edited = false;
    let finish: FinishRequest | undefined;
    for (const call of completion.toolCalls) {
      const outcome = await runCall(session, call, toolContext, editCalls);
      messages.push({
        role: 'tool',
        toolCallId: call.id,
        name: call.name,
        content: outcome.content,
        isError: outcome.isError,
      });
      if (outcome.edited?.length) edited = true;
      if (outcome.finish) finish = outcome.finish;
    }
    if (finish?.rootCause) session.rootCauses.push(finish.rootCause);
    if (finish?.status === 'give_up')
      throw new StopRun({ reason: 'gave_up', detail: `the model gave up: ${finish.summary}` });
    if (!edited && !finish) continue;

    const run = await session.test();
    const score = await session.score(run);
    last = run;
    let note: string | undefined;
    if (session.mode === 'issue' && !session.reproduced) {
      const reproTests = newFailures(session.baseline, run).filter((t) => !originallyFailing.has(t));
      if (reproTests.length > 0) {
        session.reproduced = true;
        session.reproTests = reproTests;
        note = `Reproduction confirmed: ${reproTests.join(', ')} fail(s) on the current code. Now fix the code so every test passes.`;
        session.emitRun(
          'reproduce',
          `reproduction test fails as expected: ${reproTests.join(', ')}`,
          run,
          score,
        );
      } else {
        note =
          'Your test does not fail on the current code, so it does not reproduce the issue yet. Make it check the behaviour the issue describes.';
        session.emitRun('reproduce', 'the new test does not fail: not a reproduction yet', run, score);
      }
    } else {
      session.emitRun('tests', `tests after iteration ${session.iteration}`, run, score, {
        files: workspace.changedFiles(),
        diff: session.diff(),
      });
    }
    if ((session.mode === 'repair' || session.reproduced) && session.accepted(run)) return run;
    if (!session.reproduced && session.mode === 'issue' && finish) {
      throw new StopRun({
        reason: 'reproduction_failed',
        detail: 'the model finished without a test that reproduces the issue',
      });
    }
    const seen = (signatures.get(run.signature) ?? 0) + 1;
    signatures.set(run.signature, seen);
    if (seen >= session.noProgressLimit && !isGreen(run)) {
      throw new StopRun({
        reason: 'no_progress',
        detail: `the same failures ${seen} times (${failingTests(run).slice(0, 3).join(', ')})`,
      });
    }
    history.push(
      `iteration ${session.iteration}: changed ${workspace.changedFiles().join(', ') || 'nothing'} → ${failingTests(run).length} failing, score ${score.value.toFixed(2)}`,
    );
    const text = turnFeedback({
      iteration: session.iteration,
      feedback: await session.feedback(run),
      score: session.describe(score),
      history: history.slice(-6),
      remaining: budgetLeft(session),
      note:
        finish?.status === 'fixed' && !isGreen(run)
          ? `You called finish, but the tests do not pass yet. ${note ?? ''}`
          : note,
    });
    const lastTool = messages[messages.length - 1];
    if (lastTool?.role === 'tool') lastTool.content += `\n\n${text}`;
    else messages.push({ role: 'user', content: text });
  }
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

/**
 * Runs one tool call. The same edit call (same tool and arguments) again after it was applied means the model is
 * going in circles; a call that failed (no match, rejected) may be retried until the no-progress limit.
 */
async function runCall(
  session: Session,
  call: ToolCall,
  context: ToolContext,
  editCalls: Map<string, { times: number; applied: boolean }>,
) {
  const key = EDIT_TOOLS.has(call.name) ? `${call.name}:${JSON.stringify(call.arguments)}` : undefined;
  if (key) {
    const seen = editCalls.get(key) ?? { times: 0, applied: false };
    seen.times++;
    editCalls.set(key, seen);
    if (seen.applied || seen.times >= session.noProgressLimit) {
      session.emit('tool', `${call.name} repeated`, {
        tool: { name: call.name, arguments: call.arguments, isError: true },
      });
      throw new StopRun({
        reason: 'no_progress',
        detail: `the same edit was repeated (${call.name} ${summarizeArgs(call.arguments)})`,
      });
    }
  }
  const outcome = await executeToolCall(call, context);
  if (key && outcome.edited?.length) editCalls.get(key)!.applied = true;
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
