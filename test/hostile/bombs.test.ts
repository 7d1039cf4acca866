// Hostile repository, real CLI: a test suite that eats all memory or forks without end, through `mimo fix` under
// each runtime. Contained means: the host is untouched, nothing of the run is left on the engine, the user's files
// are unchanged, and the run says what happened. The contained outcome differs by runtime (docs/sandbox.md,
// "gVisor"): under runc the command is killed (OOM, or at its timeout with the pids limit holding) and the loop
// goes on to its stop; under runsc the host's cgroup ends gVisor's sentry, so the whole sandbox, and the run stops
// with SandboxLostError's message.
import { spawnSync } from 'node:child_process';
import { CALC, RUNTIMES, SLOW, cleanupAll, mimoFix, read, userRepo, type FixRun } from './helpers.js';

afterAll(cleanupAll);

const MEMORY_BOMB = 'hog = []\nwhile True:\n    hog.append(bytearray(16 * 1024 * 1024))\n';
const FORK_BOMB =
  'import os\nimport time\n\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        time.sleep(0.01)\n';

function leftovers(run: FixRun): string {
  const filters = ['--filter', 'label=dev.mimo.sandbox=1', '--filter', `label=dev.mimo.pid=${run.pid}`];
  return spawnSync('docker', ['ps', '-aq', ...filters], { encoding: 'utf8' }).stdout.trim();
}

function expectContained(run: FixRun, repo: string, runtime: (typeof RUNTIMES)[number]): void {
  // The run's stderr tail beside the status, so a run that hung (status null) says where.
  expect({
    status: run.status,
    ms: run.ms,
    stderr: run.status === 1 ? '' : run.stderr.slice(-3000),
  }).toMatchObject({
    status: 1,
  });
  expect(run.json).toMatchObject({ success: false, wroteBack: false, files: [] });
  expect(read(repo, 'calc/core.py')).toBe(CALC['calc/core.py']);
  expect(leftovers(run)).toBe('');
  if (runtime === 'runc') {
    // The bomb's command ended killed (137); the sandbox stayed usable and the loop reached its own stop.
    expect(run.events.find((e) => e.phase === 'baseline')?.exitCode).toBe(137);
    expect(run.json?.stop.reason).toBe('no_progress');
  } else {
    expect(run.json?.stop.reason).toBe('error');
    expect(run.json?.stop.detail).toMatch(
      /the sandbox's container stopped .*under gVisor a command past the sandbox's memory or process limit ends the whole sandbox/,
    );
  }
}

describe.each(RUNTIMES)('hostile repository: bombs in the test suite (mimo fix) under %s', (runtime) => {
  it(
    'a memory bomb is contained',
    () => {
      const repo = userRepo({ ...CALC, 'tests/conftest.py': MEMORY_BOMB });
      const run = mimoFix(repo, null, { runtime, env: { MIMO_MAX_MEMORY_MB: '256' } });
      expectContained(run, repo, runtime);
    },
    SLOW,
  );

  it(
    'a fork bomb is contained',
    () => {
      const repo = userRepo({ ...CALC, 'tests/conftest.py': FORK_BOMB });
      const run = mimoFix(repo, null, { runtime, env: { MIMO_MAX_COMMAND_SECONDS: '20' } });
      expectContained(run, repo, runtime);
      expect(run.ms).toBeLessThan(120_000); // nothing hangs
    },
    SLOW,
  );
});
