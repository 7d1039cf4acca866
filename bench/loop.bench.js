// Repair-loop benchmark: per-turn orchestration overhead of the agent loop, i.e. everything a turn costs except the
// model's latency and the test command's own runtime: tool calls on the workspace, the test exec round trip through
// the sandbox API, parsing, scoring (Python `ast` in the sandbox, lint probe), feedback rendering, prompt building,
// logging. Scripted turns (a replay, no model), the real Docker sandbox and runner image, real pytest inside it.
// Measured once per runtime in the same run: runc, then runsc (gVisor) when the engine lists it
// (BENCH_RUNTIMES=runc,runsc). Prints one JSON object of figures.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ScriptedModel, withBudget } from '../dist/models/index.js';
import { Budget, defaultAnalyzer, runRepair } from '../dist/repair/index.js';
import Docker from 'dockerode';
import { openDockerSandbox, runnerImageName } from '../dist/sandbox/index.js';
import { engineRuntimes } from '../dist/sandbox/engine.js';
import { Workspace } from '../dist/tools/index.js';

const TURNS = Number(process.env.BENCH_LOOP_TURNS ?? 40);

function percentile(samples, p) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const round = (x) => Math.round(x * 10) / 10;

/** The loop's per-turn figures on one runtime, with their same-run baselines. */
async function measure(runtime) {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-loop-bench-'));
  mkdirSync(join(dir, 'tests'));
  writeFileSync(join(dir, 'calc.py'), 'VALUE = 0\n\n\ndef value():\n    return VALUE\n');
  writeFileSync(
    join(dir, 'tests', 'test_calc.py'),
    'from calc import value\n\n\ndef test_value():\n    assert value() == 1000\n',
  );
  writeFileSync(join(dir, 'pytest.ini'), '[pytest]\ntestpaths = tests\n');

  // Each turn changes the constant, so every test run fails with a new message (no "same failures" stop).
  const turns = Array.from({ length: TURNS }, (_, i) => ({
    toolCalls: [
      {
        name: 'edit',
        arguments: { path: 'calc.py', edits: [{ search: `VALUE = ${i}\n`, replace: `VALUE = ${i + 1}\n` }] },
      },
    ],
  }));

  const sandbox = await openDockerSandbox({ workspace: dir, image: runnerImageName(), policy: { runtime } });
  // The test command times itself inside the container, so only its own runtime is taken out of a turn and the
  // exec round trip through the engine stays counted as overhead.
  const TEST = 'python -m pytest -q -p no:cacheprovider';
  const timedTest = `s=$(date +%s%N); ${TEST}; rc=$?; e=$(date +%s%N); echo "BENCH_NS $((e - s))" >&2; exit $rc`;
  const runtimes = [];
  let lastOutput = '';
  const timed = {
    hostWorkspace: sandbox.hostWorkspace,
    workdir: sandbox.workdir,
    setNetwork: (on) => sandbox.setNetwork(on),
    dispose: () => sandbox.dispose(),
    async exec(command, options) {
      const result = await sandbox.exec(command, options);
      const ns = /BENCH_NS (\d+)/.exec(result.stderr);
      if (ns) {
        runtimes.push(Number(ns[1]) / 1e6);
        lastOutput = result.stdout;
      }
      return result;
    },
  };
  const marks = [];

  /** p50 of `n` round trips of `command` through the sandbox: the same-run baselines a turn is compared with. */
  async function roundTrip(command, n = 20) {
    const samples = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await sandbox.exec(command);
      samples.push(performance.now() - t);
    }
    return percentile(samples, 50);
  }
  try {
    // Baselines under the same load: a bare runner round trip, and one start of the Python the score's complexity
    // pass runs in the sandbox each turn (a cost the turn cannot avoid as long as that pass runs there).
    const trueMs = await roundTrip('true');
    const pythonMs = await roundTrip(['python3', '-c', 'pass']);
    const budget = new Budget({
      maxIterations: TURNS,
      maxWallTimeMs: 30 * 60_000,
      maxTokens: 1e9,
      maxCostUsd: 1,
    });
    const started = performance.now();
    const result = await runRepair({
      sandbox: timed,
      // The workspace as `mimo fix` has it: the sandbox's own copy, each edit a runner round trip.
      workspace: Workspace.of(sandbox),
      testCommand: timedTest,
      model: withBudget(new ScriptedModel(turns, 'bench'), budget),
      budget,
      analyzer: defaultAnalyzer({ fallbackRunner: 'pytest' }),
      fixers: [],
      noProgressLimit: TURNS + 2,
      reporter: { event: (e) => marks.push({ at: performance.now(), ...e }) },
    });
    const total = performance.now() - started;
    // The edits reached the container: the last test run saw the last turn's value.
    if (!lastOutput.includes(`assert ${TURNS} == 1000`))
      throw new Error(`the edits did not reach the tests: ${lastOutput.slice(-600)}`);
    // A turn runs from one model answer to the next; take out the next answer's latency and the test command's own
    // runtime. runtimes[0] is the baseline run; runtimes[i] the run after turn i.
    const models = marks.filter((e) => e.phase === 'model');
    const overhead = [];
    const testRuntime = [];
    for (let i = 0; i + 1 < models.length; i++) {
      const inner = runtimes[i + 1];
      if (inner === undefined) continue;
      overhead.push(models[i + 1].at - models[i].at - (models[i + 1].durationMs ?? 0) - inner);
      testRuntime.push(inner);
    }
    return {
      turns: overhead.length,
      stop: result.stop.reason,
      turn_overhead_p50_ms: round(percentile(overhead, 50)),
      turn_overhead_p95_ms: round(percentile(overhead, 95)),
      test_command_p50_ms: round(percentile(testRuntime, 50)),
      exec_true_p50_ms: round(trueMs),
      python_start_p50_ms: round(pythonMs),
      turn_overhead_vs_python_start_p50: round(percentile(overhead, 50) / pythonMs),
      run_total_s: round(total / 1000),
    };
  } finally {
    await sandbox.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

const available = await engineRuntimes(new Docker());
const asked = (process.env.BENCH_RUNTIMES ?? 'runc,runsc').split(',').filter(Boolean);
const runtimes = asked.filter((r) => r === 'runc' || available.includes(r));
const out = { runtimes_skipped: asked.filter((r) => !runtimes.includes(r)) };
for (const runtime of runtimes) out[runtime] = await measure(runtime);
if (out.runc && out.runsc) {
  out.runsc_vs_runc_turn_overhead_p50 = round(out.runsc.turn_overhead_p50_ms / out.runc.turn_overhead_p50_ms);
}
console.log(JSON.stringify(out));
