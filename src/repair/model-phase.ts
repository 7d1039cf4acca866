import type { ChatMessage, Model } from '../models/index.js';
import type { TestRun } from './context.js';
import { judge, judgeReproduction, judgeRun, judgeTurn, judgementState, type Verdict } from './judgement.js';
import { initialPrompt, turnFeedback } from './prompt.js';
import { StopRun, type Session } from './session.js';
import { failingTests, isGreen, selectTests } from './testrun.js';
import { takeTurn, type Conversation } from './turn.js';

function budgetLeft(session: Session): string {
  const { budget } = session.options;
  const spent = budget.spent();
  const l = budget.limits;
  return (
    `${Math.max(0, l.maxIterations - spent.iterations)} iterations, ${Math.round(budget.remainingMs() / 1000)} s, ` +
    `${Math.max(0, l.maxTokens - spent.tokens)} tokens, $${Math.max(0, l.maxCostUsd - spent.costUsd).toFixed(2)}`
  );
}

/** Ends the run on a stop verdict; true when the verdict accepts the tests. */
function settle(verdict: Verdict | undefined): boolean {
  if (verdict && 'stop' in verdict) throw new StopRun(verdict.stop);
  return verdict !== undefined;
}

async function openConversation(
  session: Session,
  current: TestRun,
  fixerNotes: string[],
  lastRun: () => TestRun,
): Promise<Conversation> {
  const { workspace, analyzer } = session.options;
  await session.cacheSources(current);
  const localize = session.options.ablation?.localize !== false;
  const messages: ChatMessage[] = [
    {
      role: 'user',
      content: initialPrompt({
        testCommand: session.options.testCommand,
        files: await workspace.list('.', { maxEntries: 400 }),
        feedback: await session.feedback(current),
        suspects: localize ? (analyzer.rank?.([current.report]) ?? []) : [],
        score: session.describe(await session.score(current)),
        fixerNotes,
        issue: session.mode === 'issue' ? session.options.issue : undefined,
        hints: session.options.hints,
      }),
    },
  ];
  return {
    messages,
    editCalls: new Map(),
    toolContext: {
      workspace,
      checkEdit: session.guard,
      runTests: async (tests) => {
        const command = selectTests(session.options.testCommand, lastRun().report.runner, tests);
        const run = await session.test(command);
        session.emitRun('tests', `run_tests${tests ? ` (${tests.length} selected)` : ''}`, run);
        return session.feedback(run);
      },
    },
  };
}

/**
 * Model turns until the tests are green and accepted, or a stop rule ends the run. Returns the green run.
 * Each iteration is a turn (`turn.ts`: the model call and its tool calls) followed by its judgement
 * (`judgement.ts`: one table of every rule that stops the phase), with the test run between them.
 */
export async function runModelTurns(
  session: Session,
  model: Model,
  current: TestRun,
  fixerNotes: string[],
): Promise<TestRun> {
  const { workspace, budget } = session.options;
  const history: string[] = [];
  const state = judgementState(session, current);
  let last = current;
  const convo = await openConversation(session, current, fixerNotes, () => last);

  for (;;) {
    settle(judge('before turn', { session, state }));
    budget.startIteration();
    session.iteration++;
    const turn = await takeTurn(session, model, convo);
    settle(judgeTurn(session, state, turn));
    if (turn.toolCalls === 0) {
      convo.messages.push({
        role: 'user',
        content: '[mimo] Use the tools to inspect and edit the code, or call finish.',
      });
      continue;
    }
    if (!turn.edited && !turn.finish) continue;

    const run = await session.test();
    const score = await session.score(run);
    last = run;
    const reproduction = judgeReproduction(session, state, run);
    if (reproduction) session.emitRun('reproduce', reproduction.message, run, score);
    else {
      session.emitRun('tests', `tests after iteration ${session.iteration}`, run, score, {
        files: workspace.changedFiles(),
        diff: session.diff(),
      });
    }
    if (settle(judgeRun(session, state, turn, run))) return run;
    const note = reproduction?.note;
    history.push(
      `iteration ${session.iteration}: changed ${workspace.changedFiles().join(', ') || 'nothing'} → ${failingTests(run).length} failing${session.scoring ? `, score ${score.value.toFixed(2)}` : ''}`,
    );
    const text = turnFeedback({
      iteration: session.iteration,
      feedback: await session.feedback(run),
      score: session.describe(score),
      history: history.slice(-6),
      remaining: budgetLeft(session),
      note:
        turn.finish?.status === 'fixed' && !isGreen(run)
          ? `You called finish, but the tests do not pass yet. ${note ?? ''}`
          : note,
    });
    const lastTool = convo.messages[convo.messages.length - 1];
    if (lastTool?.role === 'tool') lastTool.content += `\n\n${text}`;
    else convo.messages.push({ role: 'user', content: text });
  }
}
