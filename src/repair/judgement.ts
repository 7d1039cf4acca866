import type { TestRun } from './context.js';
import type { StopReason } from './log.js';
import type { Session, StopInfo } from './session.js';
import { failingTests, isGreen, newFailures } from './testrun.js';
import type { Turn } from './turn.js';

/** What the judgement remembers across turns (SWE-agent keeps the same in its agent between `step`s). */
export interface JudgementState {
  idleTurns: number;
  /** How often each failure signature was seen (the state the model phase started from counts once). */
  signatures: Map<string, number>;
  originallyFailing: Set<string>;
}

export function judgementState(session: Session, current: TestRun): JudgementState {
  return {
    idleTurns: 0,
    signatures: new Map([[current.signature, 1]]),
    originallyFailing: new Set(failingTests(session.baseline)),
  };
}

/** When a rule is read: before a turn, after the model's answer and its tool calls, after the tests ran. */
export type Stage = 'before turn' | 'after turn' | 'after tests';

export interface Facts {
  session: Session;
  state: JudgementState;
  turn?: Turn;
  run?: TestRun;
}

/** A rule's verdict: end the run with a stop, or (`accept`) leave the model phase for the proof of fix. */
export type Verdict = { stop: StopInfo } | { accept: true };

export interface Rule {
  stage: Stage;
  /** The stop reason it gives (`green` for acceptance: the proof of fix then says green or flaky). */
  reason: StopReason;
  when: string;
  check(facts: Facts): Verdict | undefined;
}

const stop = (info: StopInfo): Verdict => ({ stop: info });

const failureOf = (turn: Turn | undefined): unknown => turn?.failure;

function budgetLimitOf(error: unknown): string | undefined {
  const limit = (error as { limit?: unknown } | undefined)?.limit;
  return error instanceof Error && error.name === 'BudgetExceededError' && typeof limit === 'string'
    ? limit
    : undefined;
}

/**
 * Every way the model phase ends, in the order it is checked. Test runs stop too (aborted, wall time spent during
 * a run: `Session.test`), and so do the baseline, the fixers and the proof of fix in `loop.ts`.
 */
export const RULES: readonly Rule[] = [
  {
    stage: 'before turn',
    reason: 'aborted',
    when: '/mimo stop or Ctrl-C',
    check: ({ session }) => {
      const s = session.interruption();
      return s?.reason === 'aborted' ? stop(s) : undefined;
    },
  },
  {
    stage: 'before turn',
    reason: 'budget',
    when: 'the wall time is spent',
    check: ({ session }) => {
      const s = session.interruption();
      return s ? stop(s) : undefined;
    },
  },
  {
    stage: 'before turn',
    reason: 'budget',
    when: 'the iterations are spent',
    check: ({ session: { options } }) =>
      options.budget.spent().iterations >= options.budget.limits.maxIterations
        ? stop({ reason: 'budget', detail: options.budget.describe('iterations'), limit: 'iterations' })
        : undefined,
  },
  {
    stage: 'after turn',
    reason: 'aborted',
    when: 'the model call was cut by /mimo stop, Ctrl-C or the wall time (then: budget, wall_time)',
    check: ({ session, turn }) => {
      const s = failureOf(turn) !== undefined ? session.interruption() : undefined;
      return s ? stop(s) : undefined;
    },
  },
  {
    stage: 'after turn',
    reason: 'budget',
    when: 'the model call would exceed the tokens or dollars left (`withBudget` checks its worst case first)',
    check: ({ turn }) => {
      const error = failureOf(turn);
      const limit = budgetLimitOf(error);
      return limit ? stop({ reason: 'budget', detail: (error as Error).message, limit }) : undefined;
    },
  },
  {
    stage: 'after turn',
    reason: 'error',
    when: 'the model call failed (provider error after retries)',
    check: ({ turn }) => {
      const error = failureOf(turn);
      return error !== undefined
        ? stop({
            reason: 'error',
            detail: `the model call failed: ${error instanceof Error ? error.message : String(error)}`,
          })
        : undefined;
    },
  },
  {
    stage: 'after turn',
    reason: 'no_progress',
    when: 'turns in a row without a tool call reach the no-progress limit',
    check: ({ session, state, turn }) =>
      turn?.toolCalls === 0 && state.idleTurns >= session.noProgressLimit
        ? stop({ reason: 'no_progress', detail: `${state.idleTurns} turns in a row without a tool call` })
        : undefined,
  },
  {
    stage: 'after turn',
    reason: 'no_progress',
    when: 'an edit call repeated after it was applied, or a failing one as often as the no-progress limit',
    check: ({ turn }) =>
      turn?.repeated
        ? stop({ reason: 'no_progress', detail: `the same edit was repeated (${turn.repeated})` })
        : undefined,
  },
  {
    stage: 'after turn',
    reason: 'gave_up',
    when: 'the model called finish with give_up',
    check: ({ turn }) =>
      turn?.finish?.status === 'give_up'
        ? stop({ reason: 'gave_up', detail: `the model gave up: ${turn.finish.summary}` })
        : undefined,
  },
  {
    stage: 'after tests',
    reason: 'green',
    when: 'the tests are green and no baseline test disappeared (issue mode: after the reproduction)',
    check: ({ session, run }) =>
      run && (session.mode === 'repair' || session.reproduced) && session.accepted(run)
        ? { accept: true }
        : undefined,
  },
  {
    stage: 'after tests',
    reason: 'reproduction_failed',
    when: 'issue mode: the model finished without a test that fails on the current code',
    check: ({ session, turn }) =>
      session.mode === 'issue' && !session.reproduced && turn?.finish
        ? stop({
            reason: 'reproduction_failed',
            detail: 'the model finished without a test that reproduces the issue',
          })
        : undefined,
  },
  {
    stage: 'after tests',
    reason: 'no_progress',
    when: 'the same failure signature as often as the no-progress limit',
    check: ({ session, state, run }) => {
      if (!run || isGreen(run)) return undefined;
      const seen = state.signatures.get(run.signature) ?? 0;
      return seen >= session.noProgressLimit
        ? stop({
            reason: 'no_progress',
            detail: `the same failures ${seen} times (${failingTests(run).slice(0, 3).join(', ')})`,
          })
        : undefined;
    },
  },
];

/** The first verdict of the rules of one stage, in table order. */
export function judge(stage: Stage, facts: Facts): Verdict | undefined {
  for (const rule of RULES) {
    if (rule.stage !== stage) continue;
    const verdict = rule.check(facts);
    if (verdict) return verdict;
  }
  return undefined;
}

/** After a turn: counts idle turns and keeps the model's root cause, then reads the rules. */
export function judgeTurn(session: Session, state: JudgementState, turn: Turn): Verdict | undefined {
  if (turn.failure === undefined && !turn.repeated) {
    state.idleTurns = turn.toolCalls === 0 ? state.idleTurns + 1 : 0;
    if (turn.finish?.rootCause) session.rootCauses.push(turn.finish.rootCause);
  }
  return judge('after turn', { session, state, turn });
}

/** Issue mode, before its reproduction: whether the new tests fail on the current code (the log event and note). */
export function judgeReproduction(
  session: Session,
  state: JudgementState,
  run: TestRun,
): { confirmed: boolean; message: string; note: string } | undefined {
  if (session.mode !== 'issue' || session.reproduced) return undefined;
  const reproTests = newFailures(session.baseline, run).filter((t) => !state.originallyFailing.has(t));
  if (reproTests.length === 0) {
    return {
      confirmed: false,
      message: 'the new test does not fail: not a reproduction yet',
      note: 'Your test does not fail on the current code, so it does not reproduce the issue yet. Make it check the behaviour the issue describes.',
    };
  }
  session.reproduced = true;
  session.reproTests = reproTests;
  return {
    confirmed: true,
    message: `reproduction test fails as expected: ${reproTests.join(', ')}`,
    note: `Reproduction confirmed: ${reproTests.join(', ')} fail(s) on the current code. Now fix the code so every test passes.`,
  };
}

/** After the tests ran on a turn's edits: counts the failure signature, then reads the rules. */
export function judgeRun(
  session: Session,
  state: JudgementState,
  turn: Turn,
  run: TestRun,
): Verdict | undefined {
  // Counted before the rules: when an earlier rule ends the phase the count no longer matters.
  state.signatures.set(run.signature, (state.signatures.get(run.signature) ?? 0) + 1);
  return judge('after tests', { session, state, turn, run });
}
