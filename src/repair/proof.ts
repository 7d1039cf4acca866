import type { TestRun } from './context.js';
import type { Session } from './session.js';
import { failingTests, isGreen, selectTests } from './testrun.js';

export interface Proof {
  ok: boolean;
  /** Tests that failed in some proof run although the candidate run passed them. */
  flaky: string[];
  runs: number;
  detail: string;
  final?: TestRun;
  /** Set when the fixed tree runs fewer tests than the baseline did: the verdict cannot be trusted. */
  dropped?: string;
}

/** A failure that is not a test but a package or file that did not build or load: no test of it ran. */
const notATest = (f: { test: string; kind: string }) =>
  f.test.startsWith('(') ||
  /^(BuildError|CompileError|CompilationError|CollectionError)$/.test(f.kind) ||
  /^TS\d+$/.test(f.kind) ||
  // rustc's diagnostics (`E0412` at `src/report.rs:5:26`): the crate did not compile
  /^E\d{4}$/.test(f.kind);

/** Tests that ran (passed or failed, skips excluded) in a run; build and load failures are not counted. */
const ran = (run: TestRun) =>
  run.report.passed + run.report.failed - run.report.failures.filter(notATest).length;

/**
 * Proof of fix: the originally failing tests rerun `runs` times on the fixed tree (narrowed to those tests where the
 * runner takes test ids), then the whole suite once. A test that fails in any of them is flaky, not fixed.
 */
export async function proveFix(session: Session, originallyFailing: string[], runs: number): Promise<Proof> {
  const { testCommand } = session.options;
  const ids = originallyFailing.filter((t) => !t.startsWith('('));
  let narrowed = selectTests(testCommand, session.baseline.report.runner, ids);
  const flaky = new Set<string>();
  let count = 0;
  for (let i = 1; i <= runs; i++) {
    let run = await session.test(narrowed);
    // A narrowed command that selects nothing (ids the runner does not accept) proves nothing: use the whole suite.
    if (narrowed !== testCommand && run.report.passed === 0 && run.report.failed === 0) {
      narrowed = testCommand;
      run = await session.test(narrowed);
    }
    count++;
    const what =
      narrowed === testCommand
        ? 'the whole suite (the runner cannot select tests)'
        : 'the originally failing tests';
    session.emitRun('proof', `proof run ${i}/${runs} of ${what}`, run);
    if (!isGreen(run)) failingTests(run).forEach((t) => flaky.add(t));
  }
  const full = await session.test();
  count++;
  session.emitRun('proof', 'proof run of the whole suite', full);
  if (!isGreen(full)) failingTests(full).forEach((t) => flaky.add(t));
  const list = [...flaky];
  // A suite that suddenly runs fewer tests (deselected, collected elsewhere, exited early) proves nothing. Issue
  // mode adds tests, repair mode keeps them: either way the count may not fall below the baseline's.
  const baselineRan = ran(session.baseline);
  // Without per-test pass lines (`go test` without -v) a run's passes are unknown: fewer counted is no evidence.
  const comparable = !session.baseline.report.passedUnknown && !full.report.passedUnknown;
  if (comparable && ran(full) < baselineRan) {
    return {
      ok: false,
      flaky: list,
      runs: count,
      final: full,
      dropped: `the whole suite ran ${ran(full)} test(s) where the baseline ran ${baselineRan}; tests were deselected, skipped or not collected, so the green verdict is not trusted`,
      detail: `fewer tests ran than at the baseline (${ran(full)} < ${baselineRan})`,
    };
  }
  return {
    ok: list.length === 0,
    flaky: list,
    runs: count,
    final: full,
    detail:
      list.length === 0
        ? `the ${ids.length || 'originally failing'} test(s) passed ${runs} times and the whole suite passed (${full.report.passed} tests)`
        : `${list.length} test(s) flip between runs: ${list.slice(0, 5).join(', ')}`,
  };
}
