// One Budget per job bounds the whole run: iterations, wall time, tokens and dollars. Every stop names the limit that
// caused it (`BudgetLimit`), in words that go into the iteration log and the PR.
import type { Usage } from '../models/types.js';

export interface BudgetLimits {
  maxIterations: number;
  maxWallTimeMs: number;
  maxTokens: number;
  maxCostUsd: number;
}

export type BudgetLimit = 'iterations' | 'wall_time' | 'tokens' | 'cost';

export interface BudgetSpent {
  iterations: number;
  wallTimeMs: number;
  tokens: number;
  costUsd: number;
}

/** A limit of the budget stopped the run, or would have been passed by the next step. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  constructor(
    readonly limit: BudgetLimit,
    message: string,
  ) {
    super(message);
  }
}

const MAX_TIMER_MS = 2_147_483_647;

export class Budget {
  private readonly startedAt: number;
  private iterations = 0;
  private tokens = 0;
  private costUsd = 0;
  private readonly controller = new AbortController();

  constructor(
    readonly limits: BudgetLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    if (Number.isFinite(limits.maxWallTimeMs)) {
      const timer = setTimeout(
        () => this.abortForTime(),
        Math.min(MAX_TIMER_MS, Math.max(0, limits.maxWallTimeMs)),
      );
      timer.unref?.();
      this.controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    }
  }

  /** Aborts when the wall time is spent: pass it to every model call, exec and HTTP request of the job. */
  get signal(): AbortSignal {
    if (!this.controller.signal.aborted && this.remainingMs() <= 0) this.abortForTime();
    return this.controller.signal;
  }

  spent(): BudgetSpent {
    return {
      iterations: this.iterations,
      wallTimeMs: this.now() - this.startedAt,
      tokens: this.tokens,
      costUsd: this.costUsd,
    };
  }

  /** Counts an iteration; call `exhausted()` first: it reports `iterations` once the last allowed one has started. */
  startIteration(): void {
    this.iterations++;
  }

  /** Records one model call's tokens (input + output) and dollars. */
  charge(usage: Usage, costUsd: number): void {
    this.tokens += usage.inputTokens + usage.outputTokens;
    this.costUsd += costUsd;
  }

  /** The first limit that is used up, or null. */
  exhausted(): BudgetLimit | null {
    return this.exhaustedResource() ?? (this.iterations >= this.limits.maxIterations ? 'iterations' : null);
  }

  /** Like `exhausted()` for what a model call consumes (time, tokens, dollars): iterations are the loop's to gate. */
  exhaustedResource(): Exclude<BudgetLimit, 'iterations'> | null {
    if (this.remainingMs() <= 0) return 'wall_time';
    if (this.tokens >= this.limits.maxTokens) return 'tokens';
    if (this.costUsd >= this.limits.maxCostUsd) return 'cost';
    return null;
  }

  remainingMs(): number {
    return Math.max(0, this.limits.maxWallTimeMs - (this.now() - this.startedAt));
  }

  remainingTokens(): number {
    return Math.max(0, this.limits.maxTokens - this.tokens);
  }

  remainingCostUsd(): number {
    return Math.max(0, this.limits.maxCostUsd - this.costUsd);
  }

  /** A sentence for the log and the PR: which limit, what was spent, what was allowed. */
  describe(limit: BudgetLimit): string {
    const spent = this.spent();
    switch (limit) {
      case 'iterations':
        return `iteration limit reached: ${spent.iterations} of ${this.limits.maxIterations} iterations used`;
      case 'wall_time':
        return `time limit reached: ${formatMinutes(spent.wallTimeMs)} of ${formatMinutes(this.limits.maxWallTimeMs)} used`;
      case 'tokens':
        return `token limit reached: ${spent.tokens} of ${this.limits.maxTokens} tokens used`;
      case 'cost':
        return `cost limit reached: ${dollars(spent.costUsd)} of ${dollars(this.limits.maxCostUsd)} spent`;
    }
  }

  private abortForTime(): void {
    this.controller.abort(new BudgetExceededError('wall_time', this.describe('wall_time')));
  }
}

/** Dollars with cents, or four decimals under $1 so small budgets read right: `$0.0075`, `$2.00`. */
export function dollars(value: number): string {
  return `$${value.toFixed(Math.abs(value) < 1 ? 4 : 2)}`;
}

function formatMinutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** `limits:` of `.github/mimo.yml` (structural, so repair/ needs no config/ import). */
export interface ConfiguredLimits {
  iterations: number;
  wallTimeMinutes: number;
  tokens: number;
  costUsd: number;
}

/** The job's budget from the config's limits; `maxIterations` overrides (e.g. `mimo fix --max-iterations`). */
export function budgetFromLimits(limits: ConfiguredLimits, maxIterations?: number): Budget {
  return new Budget({
    maxIterations: maxIterations ?? limits.iterations,
    maxWallTimeMs: limits.wallTimeMinutes * 60_000,
    maxTokens: limits.tokens,
    maxCostUsd: limits.costUsd,
  });
}
