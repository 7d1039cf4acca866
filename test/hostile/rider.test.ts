// Hostile repository, real CLI: unrecorded content rides along. The test suite appends a line to a source file
// while it runs (before the agent's edit); the reported diff shows that line as unchanged context, so it must
// never reach the user's repository: the write-back applies the recorded edit against the user's own file and
// refuses, writing nothing, when that file is not what the edit was made on.
import {
  CALC,
  FINISH,
  FIX_ADD,
  SLOW,
  cleanupAll,
  mimoFix,
  read,
  script,
  userRepo,
  RUNTIMES,
} from './helpers.js';

afterAll(cleanupAll);

const RIDER = 'RIDER = "planted by the test run"  # unrecorded: not in any edit\n';

describe.each(RUNTIMES)(
  'hostile repository: unrecorded content rides along (mimo fix) under %s',
  (runtime) => {
    it(
      'writes nothing back when the test run changed the edited file, and says why',
      () => {
        const repo = userRepo({
          ...CALC,
          // A conftest of the repository's own (not the agent's): it appends to the module under test once.
          'tests/conftest.py':
            'import pathlib\n\n_core = pathlib.Path(__file__).parent.parent / "calc" / "core.py"\n' +
            `if "planted" not in _core.read_text():\n    with _core.open("a") as f:\n        f.write(${JSON.stringify(RIDER)})\n`,
        });
        const run = mimoFix(repo, script([[FIX_ADD, FINISH]]), { runtime });

        // The loop itself went green in the sandbox copy, and the diff it reports shows the rider as context only.
        expect(run.json).toMatchObject({ success: true, wroteBack: false, files: ['calc/core.py'] });
        const stop = run.events.at(-1)!;
        expect(stop.diff).toContain('-    return a - b\n+    return a + b\n');
        expect(stop.diff).not.toMatch(/^\+.*planted/m);
        expect(run.status).toBe(1);
        expect(run.stderr).toMatch(
          /the fix was not written back to .*: calc\/core\.py: its content is not what the edit was made on/,
        );
        expect(read(repo, 'calc/core.py')).toBe(CALC['calc/core.py']);
      },
      SLOW,
    );

    it(
      'writes the fix back when the tests leave the sources alone (control)',
      () => {
        const repo = userRepo(CALC);
        const run = mimoFix(repo, script([[FIX_ADD, FINISH]]), { runtime });
        expect(run.status).toBe(0);
        expect(run.json).toMatchObject({ success: true, wroteBack: true });
        expect(read(repo, 'calc/core.py')).toBe('def add(a, b):\n    return a + b\n');
      },
      SLOW,
    );
  },
);
