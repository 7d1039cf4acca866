// Measures journey 1 end to end (run by bench/journey.bench.js through jest, which runs the TypeScript double; it
// is not a test and asserts nothing about time). Each round: a new PR with a missing import, `/mimo fix` delivered
// to the app process, and the fix PR's JSONL log read back. Figures go to MIMO_BENCH_OUT.
import Docker from 'dockerode';
import { writeFileSync } from 'node:fs';
import type { IterationEvent } from '../src/repair/index.js';
import { engineRuntimes } from '../src/sandbox/engine.js';
import { startGitHubDouble } from '../test/e2e/github-double/index.js';
import { eventually, startAppProcess } from '../test/e2e/app-process.js';
import { commentPayload } from '../test/e2e/payloads.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);
const OK = 'import math\n\n\ndef area(r):\n    return math.pi * r * r\n';
const TESTS = 'from shapes import area\n\n\ndef test_area():\n    assert round(area(1), 2) == 3.14\n';
const TEST_PHASES = new Set(['baseline', 'fixer', 'tests', 'proof', 'reproduce']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

interface Row {
  toFirstTestMs: number;
  totalMs: number;
  testMs: number;
  runs: number;
  /** Webhook sent → the loop's start event (token, clone, image choice, sandbox open, copy, setup). */
  toLoopStartMs: number;
  /** Time between one test run's end and the next one's start, per gap (parse, fixers, edits, score, diff). */
  gapsMs: number[];
}

/**
 * One app process (MIMO_SANDBOX_POOL and MIMO_SANDBOX_RUNTIME as given; the git object cache is on by default) and
 * ROUNDS measured jobs.
 */
async function measure(pool: number, runtime = 'runc') {
  const double = await startGitHubDouble();
  const app = await startAppProcess(double, {
    MIMO_SANDBOX_POOL: String(pool),
    MIMO_SANDBOX_RUNTIME: runtime,
  });
  const rows: Row[] = [];
  try {
    const repo = double.state.createRepo('bench/shapes', { 'shapes.py': OK, 'tests/test_shapes.py': TESTS });
    repo.permissions.set('maintainer', 'write');
    // Round 0 is a warm-up, not counted: it fills the git object cache and shows the pool its first shape, as the
    // first job on a repository does on a long-running app; the measured rounds are the steady state.
    for (let round = 0; round <= ROUNDS; round++) {
      if (round > 0) await new Promise((r) => setTimeout(r, SETTLE_MS)); // the pool's replacement has started
      const pull = double.state.openPullRequest(repo, {
        branch: `drop-${round}`,
        files: { 'shapes.py': OK.replace('import math\n\n\n', '') },
        title: `round ${round}`,
      });
      const sent = Date.now();
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const fix = await eventually('the fix PR', () => repo.pulls.find((p) => p.baseRef === pull.headRef));
      const json = /```json\n([\s\S]*?)\n```/.exec(
        fix.body.slice(fix.body.indexOf('Full iteration log')),
      )![1]!;
      const events = json.split('\n').map((line) => JSON.parse(line) as IterationEvent);
      const runs = events.filter((e) => TEST_PHASES.has(e.phase) && e.durationMs !== undefined);
      const firstStart = Date.parse(runs[0]!.ts) - runs[0]!.durationMs!;
      const stop = events.find((e) => e.phase === 'stop')!;
      const loopStart = Date.parse(events.find((e) => e.phase === 'start')!.ts);
      const gapsMs = runs.slice(1).map((e, i) => Date.parse(e.ts) - e.durationMs! - Date.parse(runs[i]!.ts));
      if (round === 0) continue;
      rows.push({
        toFirstTestMs: firstStart - sent,
        totalMs: Date.parse(stop.ts) - sent,
        testMs: runs.reduce((sum, e) => sum + e.durationMs!, 0),
        runs: runs.length,
        toLoopStartMs: loopStart - sent,
        gapsMs,
      });
    }
  } finally {
    await app.stop();
    await double.close();
  }
  return {
    rounds: rows.length,
    webhook_to_first_test_ms_median: median(rows.map((r) => r.toFirstTestMs)),
    total_minus_tests_ms_median: median(rows.map((r) => r.totalMs - r.testMs)),
    not_in_tests_share_median: round3(median(rows.map((r) => (r.totalMs - r.testMs) / r.totalMs))),
    per_test_run_overhead_ms_median: median(
      rows.map((r) => (r.totalMs - r.testMs - r.toFirstTestMs) / r.runs),
    ),
    test_runs_per_job: rows[0]?.runs,
    webhook_to_loop_start_ms_median: median(rows.map((r) => r.toLoopStartMs)),
    gap_between_test_runs_ms_medians: (rows[0]?.gapsMs ?? []).map((_, i) =>
      median(rows.map((r) => r.gapsMs[i]!)),
    ),
    tests_ms_median: median(rows.map((r) => r.testMs)),
    total_ms_median: median(rows.map((r) => r.totalMs)),
  };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

it('measures journey 1 with the warm pool off and on, and under gVisor', async () => {
  const off = await measure(0);
  const on = await measure(1);
  const figures: Record<string, unknown> = {
    pool_off: off,
    pool_on: on,
    pool_on_vs_off_total_minus_tests: round3(
      on.total_minus_tests_ms_median / off.total_minus_tests_ms_median,
    ),
  };
  // gVisor with the pool on (how an operator would run it), when the engine has runsc and BENCH_RUNTIMES asks.
  const asked = (process.env.BENCH_RUNTIMES ?? 'runc,runsc').split(',');
  if (asked.includes('runsc') && (await engineRuntimes(new Docker())).includes('runsc')) {
    const runsc = await measure(1, 'runsc');
    figures.runsc_pool_on = runsc;
    figures.runsc_vs_runc_pool_on_total_minus_tests = round3(
      runsc.total_minus_tests_ms_median / on.total_minus_tests_ms_median,
    );
  }
  writeFileSync(process.env.MIMO_BENCH_OUT ?? '/dev/stdout', JSON.stringify(figures));
}, 1_800_000);
