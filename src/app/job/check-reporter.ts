import type { RepairCheckRun } from '../../github/index.js';
import type { IterationEvent, Reporter } from '../../repair/index.js';
import { checkRunOutput } from '../report.js';

const UPDATE_PHASES = new Set(['baseline', 'fixer', 'tests', 'proof']);

/**
 * Updates the check run after each test run. The loop reports synchronously; GitHub calls are chained so they never
 * overlap, coalesced so a slow API never queues stale updates, and their failures are logged, not fatal.
 */
export class CheckRunReporter implements Reporter {
  readonly events: IterationEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private pending = false;

  constructor(
    private readonly check: RepairCheckRun,
    private readonly onError: (error: unknown) => void,
  ) {}

  event(event: IterationEvent): void {
    this.events.push(event);
    if (!UPDATE_PHASES.has(event.phase) || this.pending) return;
    this.pending = true;
    this.chain = this.chain.then(async () => {
      this.pending = false;
      try {
        await this.check.update(checkRunOutput(this.events));
      } catch (error) {
        this.onError(error);
      }
    });
  }

  /** Waits for the updates in flight (before the conclusion, which must be the last write). */
  flush(): Promise<void> {
    return this.chain;
  }
}
