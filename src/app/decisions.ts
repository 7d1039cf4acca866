/** Triage decisions as the handlers return them: what a delivery did, and why in one line. */
import type { TriageDecision, TriageOutcome } from '../jobs/index.js';

export type { TriageDecision, TriageOutcome } from '../jobs/index.js';

export function decided(
  outcome: TriageOutcome,
  reason: string,
  scope?: string,
  jobId?: string,
): TriageDecision {
  return { outcome, reason, ...(scope ? { scope } : {}), ...(jobId ? { jobId } : {}) };
}

/** One decision for an event that concerned several pull requests (a CI run on a commit shared by PRs). */
export function combine(decisions: TriageDecision[], fallback: TriageDecision): TriageDecision {
  if (decisions.length === 0) return fallback;
  if (decisions.length === 1) return decisions[0]!;
  const enqueued = decisions.filter((d) => d.outcome === 'enqueued');
  const first = enqueued[0] ?? decisions[0]!;
  return { ...first, reason: decisions.map((d) => `${d.scope ?? ''}: ${d.outcome}: ${d.reason}`).join('; ') };
}
