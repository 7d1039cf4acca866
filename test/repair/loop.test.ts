import { CALC_FILES, FIX_ADD, runScenario } from './scenario.js';

describe('repair loop (fake sandbox, scripted turns)', () => {
  it('stops at once with "nothing to fix" when the baseline is green, without asking the model', async () => {
    const { result, events, scripted } = await runScenario({
      files: { ...CALC_FILES, 'calc.py': CALC_FILES['calc.py'].replace('a - b', 'a + b') },
      turns: [{ toolCalls: [{ name: 'finish', arguments: { status: 'give_up', summary: 'x' } }] }],
    });
    expect(result.stop.reason).toBe('nothing_to_fix');
    expect(result.success).toBe(false);
    expect(result.edits).toEqual([]);
    expect(scripted!.remaining).toBe(1);
    expect(events.map((e) => e.phase)).toEqual(['start', 'baseline', 'stop']);
  });

  it('fixes a logic bug in 3 iterations, proves it and logs every step', async () => {
    const { result, events, suite, scripted } = await runScenario({
      turns: [
        { text: 'Look at the code.', toolCalls: [{ name: 'read_file', arguments: { path: 'calc.py' } }] },
        { toolCalls: [{ name: 'search', arguments: { pattern: 'def add' } }] },
        {
          toolCalls: [
            FIX_ADD,
            { name: 'finish', arguments: { status: 'fixed', summary: 'done', rootCause: 'add subtracted' } },
          ],
        },
      ],
    });
    expect(result.stop.reason).toBe('green');
    expect(result.success).toBe(true);
    expect(result.iterations).toBe(3);
    expect(scripted!.remaining).toBe(0);
    expect(result.edits).toEqual([
      {
        path: 'calc.py',
        before: CALC_FILES['calc.py'],
        after: CALC_FILES['calc.py'].replace('a - b', 'a + b'),
      },
    ]);
    expect(result.diff).toContain('-    return a - b\n+    return a + b');
    expect(result.rootCause).toBe('add subtracted');
    // baseline + tests after iteration 3 + 3 proof reruns + whole suite
    expect(suite.state.runs).toBe(6);
    const tools = events.filter((e) => e.phase === 'tool').map((e) => e.tool?.name);
    expect(tools).toEqual(['read_file', 'search', 'edit', 'finish']);
    const stop = events.at(-1)!;
    expect(stop.phase).toBe('stop');
    expect(stop.files).toEqual(['calc.py']);
    expect(stop.totals?.iterations).toBe(3);
    expect(events.filter((e) => e.phase === 'proof')).toHaveLength(4);
  });

  it('stops on the iteration budget and never starts a turn beyond it', async () => {
    const read = { toolCalls: [{ name: 'read_file', arguments: { path: 'calc.py' } }] };
    const { result, scripted } = await runScenario({
      limits: { maxIterations: 2 },
      turns: [read, read, read, read],
    });
    expect(result.stop).toMatchObject({ reason: 'budget', limit: 'iterations' });
    expect(result.iterations).toBe(2);
    expect(scripted!.remaining).toBe(2);
  });

  it('stops on the wall-time budget during the run', async () => {
    let clock = 0;
    const turns = [{ toolCalls: [{ name: 'read_file', arguments: { path: 'calc.py' } }] }];
    const { result } = await runScenario({
      now: () => clock,
      limits: { maxWallTimeMs: 1000 },
      turns: [...turns, ...turns],
      extra: {
        reporter: {
          event: (e) => {
            if (e.phase === 'model') clock += 2000; // the first model turn takes the whole budget
          },
        },
      },
    });
    expect(result.stop).toMatchObject({ reason: 'budget', limit: 'wall_time' });
    expect(result.iterations).toBe(1);
  });

  it('stops with "no progress" when the same failures come back after edits', async () => {
    const touch = (n: number) => ({
      toolCalls: [
        {
          name: 'edit',
          arguments: {
            path: 'calc.py',
            edits: [{ search: `def mul(a, b):${'\n'}`, replace: `def mul(a, b):${'\n'}    # ${n}${'\n'}` }],
          },
        },
      ],
    });
    const { result } = await runScenario({ turns: [touch(1), touch(2), touch(3), touch(4)] });
    expect(result.stop.reason).toBe('no_progress');
    expect(result.stop.detail).toMatch(/the same failures 3 times/);
    expect(result.iterations).toBe(2);
  });

  it('stops with "no progress" when the same edit is repeated', async () => {
    const there = {
      name: 'edit',
      arguments: { path: 'calc.py', edits: [{ search: 'a * b', replace: 'b * a' }] },
    };
    const back = {
      name: 'edit',
      arguments: { path: 'calc.py', edits: [{ search: 'b * a', replace: 'a * b' }] },
    };
    const { result } = await runScenario({
      tests: {
        test_add: (read) => read('calc.py').includes('return a + b') || `state ${read('calc.py').length}`,
      },
      turns: [{ toolCalls: [there] }, { toolCalls: [back] }, { toolCalls: [there] }],
      extra: { noProgressLimit: 10 },
    });
    expect(result.stop.reason).toBe('no_progress');
    expect(result.stop.detail).toMatch(/the same edit was repeated/);
  });

  it('stops with "no progress" after turns without any tool call', async () => {
    const { result } = await runScenario({ turns: [{ text: 'hmm' }, { text: 'hmm' }, { text: 'hmm' }] });
    expect(result.stop).toMatchObject({
      reason: 'no_progress',
      detail: '3 turns in a row without a tool call',
    });
  });

  it('stops when the model gives up, and keeps nothing as a success', async () => {
    const { result, events } = await runScenario({
      turns: [
        {
          toolCalls: [
            { name: 'finish', arguments: { status: 'give_up', summary: 'needs a product decision' } },
          ],
        },
      ],
    });
    expect(result.stop).toMatchObject({
      reason: 'gave_up',
      detail: 'the model gave up: needs a product decision',
    });
    expect(result.success).toBe(false);
    expect(events.at(-1)!.stop?.reason).toBe('gave_up');
  });

  it('ends cleanly on /mimo stop (an AbortSignal)', async () => {
    const stop = new AbortController();
    const read = { toolCalls: [{ name: 'read_file', arguments: { path: 'calc.py' } }] };
    const { result, events } = await runScenario({
      turns: [read, read, read],
      extra: {
        signal: stop.signal,
        reporter: { event: (e) => (e.phase === 'tool' ? stop.abort() : undefined) },
      },
    });
    expect(result.stop.reason).toBe('aborted');
    expect(result.iterations).toBe(1);
    expect(events).toEqual([]); // the custom reporter replaced the memory log
  });

  it('rejects deleting a test back to the model with the reason, and leaves the file untouched', async () => {
    const deleteTest = {
      name: 'edit',
      arguments: {
        path: 'tests/test_calc.py',
        edits: [{ search: 'def test_add():\n    assert add(2, 3) == 5\n\n\n', replace: '' }],
      },
    };
    const { result, events } = await runScenario({
      turns: [{ toolCalls: [deleteTest] }, { toolCalls: [FIX_ADD] }],
    });
    const rejected = events.find((e) => e.tool?.rejected);
    expect(rejected?.tool?.rejected).toMatch(/removing tests is not allowed \(2 → 1\)/);
    expect(result.stop.reason).toBe('green');
    expect(result.edits.map((e) => e.path)).toEqual(['calc.py']);
  });

  it('fails a run whose fix flips between runs: flaky, not fixed', async () => {
    const { result, events } = await runScenario({
      turns: [{ toolCalls: [FIX_ADD] }],
      flaky: { test: 'test_add', runs: [4] },
    });
    expect(result.stop.reason).toBe('flaky');
    expect(result.success).toBe(false);
    expect(result.flaky).toContain('test_add');
    expect(events.at(-1)!.flaky).toContain('test_add');
  });

  it("runs the score's sandbox parts (Python pass, linters) for the green run, reused by the final score, not red turns", async () => {
    const stillRed = {
      name: 'edit',
      arguments: { path: 'calc.py', edits: [{ search: 'return a - b', replace: 'return (a - b)' }] },
    };
    const fix = {
      name: 'edit',
      arguments: { path: 'calc.py', edits: [{ search: 'return (a - b)', replace: 'return a + b' }] },
    };
    const { result, sandbox, events } = await runScenario({
      turns: [{ toolCalls: [stillRed] }, { toolCalls: [fix] }],
    });
    expect(result.stop.reason).toBe('green');
    const tests = sandbox.commands.flatMap((c, i) => (c.startsWith('run-tests') ? [i] : []));
    // baseline, the red turn's run, the green turn's run: nothing else ran in the sandbox between them
    expect(sandbox.commands.slice(0, tests[2]! + 1).every((c) => c.startsWith('run-tests'))).toBe(true);
    const scorePasses = sandbox.commands.filter((c) => c.startsWith('python3 -c'));
    // the green run's score; the final score is of the same tree and reuses its Python pass
    expect(scorePasses).toHaveLength(1);
    expect(events.find((e) => e.phase === 'stop')?.score?.parts).toMatchObject({ testsPassing: 1 });
    const redRun = events.filter((e) => e.phase === 'tests')[0]!;
    expect(redRun.failures?.failed).toBe(1);
    expect(redRun.score?.parts).toMatchObject({ testsPassing: 0.5, diffLines: 2 });
  });
});

describe('issue mode', () => {
  const ISSUE = { title: 'add(2, 3) returns -1', body: 'Calling add with 2 and 3 gives -1 instead of 5.' };
  const newTest = {
    name: 'create_file',
    arguments: {
      path: 'tests/test_issue.py',
      content: 'from calc import add\n\n\ndef test_issue_add():\n    assert add(2, 3) == 5\n',
    },
  };
  const tests = {
    test_mul: (read: (p: string) => string) => read('calc.py').includes('return a * b') || 'assert 5 == 6',
    test_issue_add: (read: (p: string) => string) =>
      !read('tests/test_issue.py') ? true : read('calc.py').includes('return a + b') || 'assert -1 == 5',
  };

  it('makes the model write a failing reproduction test first, then fix the code', async () => {
    const { result, events } = await runScenario({
      tests,
      extra: { mode: 'issue', issue: ISSUE },
      turns: [{ toolCalls: [FIX_ADD] }, { toolCalls: [newTest] }, { toolCalls: [FIX_ADD] }],
    });
    const rejected = events.find((e) => e.tool?.rejected);
    expect(rejected?.tool?.rejected).toMatch(/first write a test that reproduces the issue/);
    const reproduce = events.find((e) => e.phase === 'reproduce');
    expect(reproduce?.message).toBe('reproduction test fails as expected: test_issue_add');
    expect(reproduce?.iteration).toBe(2);
    expect(result.stop.reason).toBe('green');
    expect(result.edits.map((e) => e.path)).toEqual(['calc.py', 'tests/test_issue.py']);
  });

  it('does not accept a "reproduction" that passes on the current code', async () => {
    const passing = {
      ...newTest,
      arguments: { ...newTest.arguments, content: 'def test_issue_add():\n    assert True\n' },
    };
    const { result, events } = await runScenario({
      tests: { ...tests, test_issue_add: () => true },
      extra: { mode: 'issue', issue: ISSUE },
      turns: [{ toolCalls: [passing, { name: 'finish', arguments: { status: 'fixed', summary: 'done' } }] }],
    });
    expect(events.find((e) => e.phase === 'reproduce')?.message).toBe(
      'the new test does not fail: not a reproduction yet',
    );
    expect(result.stop.reason).toBe('reproduction_failed');
  });
});

describe('budget', () => {
  it('is never exceeded: a call whose worst case does not fit is refused before it is made', async () => {
    let calls = 0;
    const hungry = {
      id: 'test:hungry',
      async complete() {
        calls++;
        return {
          text: '',
          toolCalls: [{ id: `c${calls}`, name: 'read_file', arguments: { path: 'calc.py' } }],
          usage: { inputTokens: 3000, outputTokens: 500, cacheReadTokens: 0 },
          stopReason: 'tool_use' as const,
          latencyMs: 1,
          costUsd: 0,
          priced: false,
        };
      },
    };
    const { result, budget } = await runScenario({
      model: hungry,
      limits: { maxTokens: 12_000, maxIterations: 50 },
      extra: { maxTokensPerTurn: 500 },
    });
    expect(result.stop).toMatchObject({ reason: 'budget', limit: 'tokens' });
    expect(budget.spent().tokens).toBeLessThanOrEqual(12_000);
    expect(calls).toBeGreaterThan(0);
  });
});

describe('dollar budget', () => {
  it('stops on cost before a call could pass the limit, with real list prices', async () => {
    const { costOf, findPrice } = await import('../../src/models/index.js');
    const price = findPrice('gpt-5.4', 'openai')!;
    let calls = 0;
    const priced = {
      id: 'openai:gpt-5.4',
      async complete(request: { maxTokens: number }) {
        calls++;
        const usage = { inputTokens: 2000, outputTokens: request.maxTokens, cacheReadTokens: 0 };
        return {
          text: '',
          toolCalls: [{ id: `c${calls}`, name: 'read_file', arguments: { path: 'calc.py' } }],
          usage,
          stopReason: 'tool_use' as const,
          latencyMs: 1,
          costUsd: costOf(usage, price).costUsd,
          priced: true,
        };
      },
    };
    const { result, budget } = await runScenario({
      model: priced,
      limits: { maxCostUsd: 0.25, maxIterations: 100 },
    });
    expect(result.stop).toMatchObject({ reason: 'budget', limit: 'cost' });
    expect(budget.spent().costUsd).toBeGreaterThan(0.1);
    expect(budget.spent().costUsd).toBeLessThanOrEqual(0.25);
    expect(result.stop.detail).toMatch(/^cost limit: the next call could cost up to \$/);
  });
});
