// Hostile repository, real CLI: a `.github/mimo.yml` asking for 64 GiB, 65536 processes and 6-hour commands
// gets the operator's ceilings instead (MIMO_MAX_* or the safe defaults), as the container itself reports.
import { CALC, RUNTIMES, SLOW, cleanupAll, mimoFix, userRepo } from './helpers.js';

afterAll(cleanupAll);

// The test's id carries the limits the container really has (cgroup v1 or v2), so the iteration log shows them.
// gVisor shows the sandbox no cgroup files: there the memory limit is its MemTotal (the sentry sizes the guest's
// memory to the container's limit), and the pids limit, enforced on the host's cgroup of the sandbox, is not visible.
const PROBE =
  'import pathlib\nimport pytest\n\n\ndef _read(*paths):\n    for p in paths:\n        f = pathlib.Path(p)\n' +
  '        if f.exists():\n            return f.read_text().strip()\n    return "unknown"\n\n\n' +
  'MEM = _read("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory.max")\n' +
  'if MEM == "unknown":\n    MEM = str(int(pathlib.Path("/proc/meminfo").read_text().split()[1]) * 1024)\n' +
  'PIDS = _read("/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids.max")\n\n\n' +
  '@pytest.mark.parametrize("limits", [f"mem={MEM},pids={PIDS}"])\ndef test_probe(limits):\n    assert False, limits\n';

describe('hostile repository: the CLI never lets the repository raise its own limits', () => {
  it.each(RUNTIMES)(
    'clamps memory, pids and the command timeout to the ceilings and says so (%s)',
    (runtime) => {
      const repo = userRepo({
        ...CALC,
        'tests/test_probe.py': PROBE,
        '.github/mimo.yml':
          'sandbox:\n  memoryMb: 65536\n  pids: 65536\n  cpus: 64\nlimits:\n  commandTimeoutSeconds: 21600\n  iterations: 100\n  costUsd: 1000\n',
      });
      const run = mimoFix(repo, null, {
        env: { MIMO_MAX_MEMORY_MB: '768', MIMO_MAX_COMMAND_SECONDS: '300' },
        runtime,
      });

      expect(run.stderr).toMatch(
        /\[limits\] sandbox\.memoryMb: the repository asks for 65536, clamped to 768 \(the operator's ceiling MIMO_MAX_MEMORY_MB\)/,
      );
      expect(run.stderr).toMatch(/\[limits\] sandbox\.pids: the repository asks for 65536, clamped to 1024/);
      expect(run.stderr).toMatch(
        /\[limits\] limits\.commandTimeoutSeconds: the repository asks for 21600, clamped to 300/,
      );
      expect(run.stderr).toMatch(/\[limits\] limits\.iterations: the repository asks for 100, clamped to 20/);
      expect(run.stderr).toMatch(/\[limits\] limits\.costUsd: the repository asks for 1000, clamped to 10/);
      const baseline = run.events.find((e) => e.phase === 'baseline')!;
      const probe = baseline.failures!.tests.find((t) => t.includes('test_probe'));
      const pids = runtime === 'runsc' ? 'unknown' : '1024';
      expect(probe).toBe(`tests/test_probe.py::test_probe[mem=${768 * 1024 * 1024},pids=${pids}]`);
    },
    SLOW,
  );

  it(
    'refuses a malformed operator ceiling with a usage error',
    () => {
      const repo = userRepo(CALC);
      const run = mimoFix(repo, null, { env: { MIMO_MAX_PIDS: 'lots' } });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/MIMO_MAX_PIDS: expected a positive whole number \(found "lots"\)/);
    },
    SLOW,
  );
});
