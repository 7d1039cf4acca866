import type { FixProposal } from '../fixers/index.js';
import type { QualityScore } from '../score/index.js';
import type { Checkpoint } from '../tools/index.js';
import type { TestRun } from './context.js';
import type { Session } from './session.js';
import { failingTests, isGreen } from './testrun.js';

interface Candidate {
  proposal: FixProposal;
  run: TestRun;
  score: QualityScore;
  state: Checkpoint;
}

/** Better than the current state: green, or more tests passing, or fewer failing with none fewer passing. */
function improves(run: TestRun, current: TestRun, proposal: FixProposal): boolean {
  if (isGreen(run)) return true;
  if (
    proposal.resolves &&
    current.output.includes(proposal.resolves) &&
    !run.output.includes(proposal.resolves)
  ) {
    const before = new Set(failingTests(current));
    if (failingTests(run).every((t) => before.has(t)) && run.report.passed >= current.report.passed)
      return true;
  }
  if (run.report.passed > current.report.passed) return true;
  return run.report.failed < current.report.failed && run.report.passed >= current.report.passed;
}

async function tryProposal(session: Session, proposal: FixProposal): Promise<Candidate | string> {
  const ws = session.options.workspace;
  const start = ws.checkpoint();
  let changed: string[];
  try {
    changed = await proposal.apply();
  } catch (error) {
    await ws.restore(start);
    return `failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (changed.length === 0) return 'changed nothing';
  for (const path of changed) {
    const before = start.entries.get(path)?.current ?? ws.originalOf(path) ?? null;
    const after = await ws.readIfExists(path);
    const refused = session.guard(path, before, after);
    if (refused) {
      await ws.restore(start);
      return `rejected by the guard: ${refused}`;
    }
  }
  const run = await session.test();
  const score = await session.score(run);
  const state = ws.checkpoint();
  await ws.restore(start);
  return { proposal, run, score, state };
}

/**
 * Deterministic fixers, before any model call: each round asks every fixer for proposals against the latest
 * failures, tries each one (apply, rerun the tests, score, undo), then keeps the best candidate that improves the
 * tests. Rounds repeat while something improves (fixing one missing import often reveals the next).
 */
export async function runFixers(session: Session, start: TestRun): Promise<TestRun> {
  const { workspace, sandbox } = session.options;
  const tried = new Set<string>();
  let current = start;
  for (let round = 0; round < 10 && !session.accepted(current); round++) {
    const proposals: FixProposal[] = [];
    for (const fixer of session.fixers) {
      try {
        const found = await fixer.propose({
          workspace,
          sandbox,
          report: current.report,
          output: current.output,
          allowNetwork: session.options.allowNetwork ?? false,
          signal: session.signal,
        });
        proposals.push(...found.filter((p) => !tried.has(p.key) && !proposals.some((q) => q.key === p.key)));
      } catch (error) {
        session.emit(
          'fixer',
          `${fixer.name} failed to propose: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (proposals.length === 0) break;
    const candidates: Candidate[] = [];
    for (const proposal of proposals) {
      tried.add(proposal.key);
      const outcome = await tryProposal(session, proposal);
      if (typeof outcome === 'string') {
        session.emit('fixer', `${proposal.fixer}: ${proposal.description} — ${outcome}`);
        continue;
      }
      const better = improves(outcome.run, current, proposal);
      session.emitRun(
        'fixer',
        `${proposal.fixer}: ${proposal.description} — ${better ? 'improves the tests' : 'no improvement, undone'}`,
        outcome.run,
        outcome.score,
      );
      if (better) candidates.push(outcome);
    }
    if (candidates.length === 0) break;
    // Green candidates first, then the best score.
    candidates.sort(
      (a, b) => Number(isGreen(b.run)) - Number(isGreen(a.run)) || b.score.value - a.score.value,
    );
    const best = candidates[0]!;
    await workspace.restore(best.state);
    session.rootCauses.push(best.proposal.description);
    session.emit('fixer', `kept: ${best.proposal.description}`, {
      files: workspace.changedFiles(),
      diff: session.diff(),
    });
    current = best.run;
  }
  return current;
}
