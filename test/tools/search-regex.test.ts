// The model's search patterns run on a linear-time engine: a catastrophic regex over a big file returns within a
// bound while the host's event loop keeps serving timers (webhooks share it in the app).
import { executeToolCall, searchWorkspace, Workspace, type ToolContext } from '../../src/tools/index.js';
import { tempRepo } from '../helpers/tmp.js';

describe('search with model-supplied regular expressions', () => {
  const lines = Array.from({ length: 900 }, () => `${'a'.repeat(1990)}!`).join('\n');
  let repo: ReturnType<typeof tempRepo>;
  let context: ToolContext;
  beforeAll(async () => {
    repo = tempRepo({ 'data/big.txt': `${lines}\n`, 'src/calc.py': 'def add(a, b):\n    return a - b\n' });
    context = {
      workspace: await Workspace.open(repo.root),
      checkEdit: () => null,
      runTests: async () => '',
    };
  });
  afterAll(() => repo.cleanup());

  it('answers ^(a+)+$ over a 1.8 MB file within a bound while a timer on the main loop keeps ticking', async () => {
    // With the JavaScript engine one such line alone backtracks for longer than the age of the universe.
    let ticks = 0;
    let longestGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = Date.now();
    const outcome = await executeToolCall(
      { id: '1', name: 'search', arguments: { pattern: '^(a+)+$', regex: true } },
      context,
    );
    const elapsed = Date.now() - started;
    clearInterval(timer);
    expect(outcome.content).toBe('No matches for "^(a+)+$".');
    expect(elapsed).toBeLessThan(15_000);
    expect(ticks).toBeGreaterThan(elapsed / 100);
    expect(longestGap).toBeLessThan(1000);
  }, 30_000);

  it('stops at its deadline with a clear message instead of running on', async () => {
    const result = await searchWorkspace(context.workspace, {
      pattern: '^(a+)+$',
      regex: true,
      maxResults: 50,
      // A deadline already reached: the stop must not depend on how fast this machine happens to be.
      deadlineMs: 0,
    });
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(
      /the search stopped at its time limit \(0 s\) after \d+ of 2 file\(s\); narrow the path or simplify the pattern/,
    );
  });

  it('still finds ordinary patterns, and explains RE2 syntax it refuses', async () => {
    const found = await executeToolCall(
      { id: '2', name: 'search', arguments: { pattern: 'def \\w+\\(a, b\\)', regex: true } },
      context,
    );
    expect(found.content).toBe('src/calc.py:1: def add(a, b):');
    const refused = await executeToolCall(
      { id: '3', name: 'search', arguments: { pattern: '(a)\\1', regex: true } },
      context,
    );
    expect(refused.isError).toBe(true);
    expect(refused.content).toMatch(
      /Invalid regular expression: .*RE2 syntax \(linear time\): no backreferences/,
    );
  });
});
