// Measures journey 1 end to end (run by bench/journey.bench.js through jest, which runs the TypeScript double; it
// is not a test and asserts nothing about time). Each round: a new PR with a missing import, `/mimo fix` delivered
// to the app process, and the fix PR's JSONL log read back. Figures go to MIMO_BENCH_OUT.
import { writeFileSync } from 'node:fs';
import type { IterationEvent } from '../src/repair/index.js';
import { startGitHubDouble } from '../test/e2e/github-double/index.js';
import { eventually, startAppProcess } from '../test/e2e/app-process.js';
import { commentPayload } from '../test/e2e/payloads.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OK = 'import math\n\n\ndef area(r):\n    return math.pi * r * r\n';
const TESTS = 'from shapes import area\n\n\ndef test_area():\n    assert round(area(1), 2) == 3.14\n';
const TEST_PHASES = new Set(['baseline', 'fixer', 'tests', 'proof', 'reproduce']);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

it('measures journey 1', async () => {
  const double = await startGitHubDouble();
  const app = await startAppProcess(double);
  const rows: { toFirstTestMs: number; totalMs: number; testMs: number; runs: number }[] = [];
  try {
    const repo = double.state.createRepo('bench/shapes', { 'shapes.py': OK, 'tests/test_shapes.py': TESTS });
    repo.permissions.set('maintainer', 'write');
    for (let round = 0; round < ROUNDS; round++) {
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
      rows.push({
        toFirstTestMs: firstStart - sent,
        totalMs: Date.parse(stop.ts) - sent,
        testMs: runs.reduce((sum, e) => sum + e.durationMs!, 0),
        runs: runs.length,
      });
    }
  } finally {
    await app.stop();
    await double.close();
  }
  const figures = {
    rounds: rows.length,
    webhook_to_first_test_ms_median: median(rows.map((r) => r.toFirstTestMs)),
    total_minus_tests_ms_median: median(rows.map((r) => r.totalMs - r.testMs)),
    per_test_run_overhead_ms_median: median(
      rows.map((r) => (r.totalMs - r.testMs - r.toFirstTestMs) / r.runs),
    ),
    test_runs_per_job: rows[0]?.runs,
    total_ms_median: median(rows.map((r) => r.totalMs)),
  };
  writeFileSync(process.env.MIMO_BENCH_OUT ?? '/dev/stdout', JSON.stringify(figures));
}, 900_000);
