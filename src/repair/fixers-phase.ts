import {
  configuredLinters,
  FixerMemo,
  newFindings,
  type FixProposal,
  type Linter,
  type LintFinding,
} from '../fixers/index.js';
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
  changed: string[];
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
  return { proposal, run, score, state, changed };
}

async function lintAll(linters: Linter[], files: string[]): Promise<LintFinding[]> {
  const found: LintFinding[] = [];
  for (const linter of linters)
    found.push(...(await linter.run(files)).map((f) => ({ ...f, rule: `${linter.name} ${f.rule}` })));
  return found;
}

/**
 * The repository's own linters on the files a candidate changed, before and after it: the lint errors it adds
 * (none: undefined). Leaves the workspace at `start`.
 */
async function addedLintErrors(
  session: Session,
  linters: Linter[],
  candidate: Candidate,
  start: Checkpoint,
): Promise<LintFinding[] | string | undefined> {
  if (linters.length === 0) return undefined;
  const ws = session.options.workspace;
  try {
    await ws.restore(start);
    const existing = candidate.changed.filter(
      (f) => start.entries.get(f)?.current !== null && ws.originalOf(f) !== null,
    );
    const before = existing.length > 0 ? await lintAll(linters, existing) : [];
    await ws.restore(candidate.state);
    const after = await lintAll(linters, candidate.changed);
    const added = newFindings(before, after);
    return added.length > 0 ? added : undefined;
  } catch (error) {
    return `lint check skipped: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await ws.restore(start);
  }
}

/**
 * Deterministic fixers, before any model call: each round asks every fixer for proposals against the latest
 * failures, tries each one (apply, rerun the tests, score, undo), then keeps the best candidate that improves the
 * tests. Rounds repeat while something improves (fixing one missing import often reveals the next).
 */
export async function runFixers(session: Session, start: TestRun): Promise<TestRun> {
  const { workspace, sandbox } = session.options;
  const tried = new Set<string>();
  const memo = new FixerMemo();
  let current = start;
  let lint: { linters: Linter[]; notes: string[] } | undefined;
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
          memo,
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
      let better = improves(outcome.run, current, proposal);
      let verdict = better ? 'improves the tests' : 'no improvement, undone';
      if (better) {
        if (!lint) {
          lint = await configuredLinters(workspace, sandbox).catch((e: unknown) => ({
            linters: [],
            notes: [`lint check skipped: ${e instanceof Error ? e.message : String(e)}`],
          }));
          for (const note of lint.notes) session.emit('fixer', note);
        }
        const added = await addedLintErrors(session, lint.linters, outcome, workspace.checkpoint());
        if (typeof added === 'string') verdict += ` (${added})`;
        else if (added) {
          better = false;
          const shown = added.slice(0, 3).map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`);
          verdict = `improves the tests but adds ${added.length} lint error${added.length === 1 ? '' : 's'} that were not there (${shown.join('; ')}), undone`;
        }
      }
      session.emitRun(
        'fixer',
        `${proposal.fixer}: ${proposal.description} — ${verdict}`,
        outcome.run,
        outcome.score,
      );
      if (better) candidates.push(outcome);
      // green is the best a candidate can be: no need to spend test runs on the alternatives
      if (better && isGreen(outcome.run)) break;
    }
    if (candidates.length === 0) break;
    // Green candidates first, then the best score.
    candidates.sort(
      (a, b) => Number(isGreen(b.run)) - Number(isGreen(a.run)) || b.score.value - a.score.value,
    );
    const best = candidates[0]!;
    // The other improving candidates may fix what is left (a second missing import in the same file): they are
    // asked again against the next failures instead of being counted as tried.
    for (const other of candidates.slice(1)) tried.delete(other.proposal.key);
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
