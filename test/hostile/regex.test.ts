// Hostile model, real CLI: a catastrophic regex in `search` (`^(a+)+$` over long lines) must not spin the host's
// event loop; the run goes on and finishes.
import {
  CALC,
  FINISH,
  FIX_ADD,
  SLOW,
  cleanupAll,
  mimoFix,
  read,
  script,
  toolCalls,
  userRepo,
  RUNTIMES,
} from './helpers.js';

afterAll(cleanupAll);

describe.each(RUNTIMES)('hostile model: catastrophic regex (mimo fix) under %s', (runtime) => {
  it(
    'answers the search and completes the repair within a bound',
    () => {
      const big = Array.from({ length: 600 }, () => `${'a'.repeat(1990)}!`).join('\n');
      const repo = userRepo({ ...CALC, 'data/fixture.txt': `${big}\n` });
      const turns = script([
        [{ name: 'search', arguments: { pattern: '^(a+)+$', regex: true } }],
        [FIX_ADD, FINISH],
      ]);
      const run = mimoFix(repo, turns, { timeoutMs: 150_000, runtime });

      expect(run.status).toBe(0);
      expect(run.json).toMatchObject({ success: true, files: ['calc/core.py'] });
      expect(toolCalls(run)[0]).toMatchObject({ message: 'search "^(a+)+$"', isError: false });
      expect(read(repo, 'calc/core.py')).toBe('def add(a, b):\n    return a + b\n');
      expect(run.ms).toBeLessThan(150_000);
    },
    SLOW,
  );
});
