import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  JsonlLog,
  parseJsonlLog,
  renderFailingChart,
  renderIterationTable,
  renderMarkdownReport,
  renderProgress,
  renderSummary,
} from '../../src/repair/index.js';
import { FIX_ADD, runScenario } from './scenario.js';

describe('iteration log and its renderers', () => {
  it('writes the JSONL event stream and renders table, mermaid chart and summary from it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mimo-log-')), 'run', 'log.jsonl');
    const jsonl = new JsonlLog(path);
    const { events } = await runScenario({
      turns: [
        { toolCalls: [{ name: 'read_file', arguments: { path: 'calc.py' } }] },
        {
          toolCalls: [
            FIX_ADD,
            { name: 'finish', arguments: { status: 'fixed', summary: 's', rootCause: 'add subtracted' } },
          ],
        },
      ],
      extra: { reporter: { event: (e) => jsonl.event(e) } },
    });
    expect(events).toEqual([]);
    const logged = parseJsonlLog(readFileSync(path, 'utf8'));
    expect(logged.map((e) => e.phase)).toEqual([
      'start',
      'baseline',
      'model',
      'tool',
      'model',
      'tool',
      'tool',
      'tests',
      'proof',
      'proof',
      'proof',
      'proof',
      'stop',
    ]);

    const table = renderIterationTable(logged).split('\n');
    expect(table[0]).toBe(
      '| Iteration | Phase | Failing | Passing | Score | Tokens | Cost | Duration | What happened |',
    );
    expect(table[2]).toMatch(/^\| baseline \| baseline \| 1 \| 1 \| /);
    expect(table[3]).toMatch(/^\| 2 \| tests \| 0 \| 2 \| 1\.00 \| /);
    expect(table).toHaveLength(2 + 1 + 1 + 4);

    expect(renderFailingChart(logged)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Failing tests per iteration"',
        '  x-axis ["baseline", "2", "proof 1", "proof 2", "proof 3", "proof 4"]',
        '  y-axis "failing tests" 0 --> 1',
        '  bar [1, 0, 0, 0, 0, 0]',
        '```',
      ].join('\n'),
    );
    const summary = renderSummary(logged);
    expect(summary).toMatch(/^\*\*Result:\*\* fixed — all tests pass/);
    expect(summary).toContain('**Root cause:** add subtracted');
    expect(summary).toContain('**Files changed:** `calc.py`');
    expect(summary).toMatch(
      /\*\*Iterations:\*\* 2 · \*\*Tokens:\*\* 0 · \*\*Cost:\*\* \$0\.00 · \*\*Wall time:\*\* \d+\.\d s · \*\*Model:\*\* scripted/,
    );
    expect(renderMarkdownReport(logged)).toContain('```diff\n--- a/calc.py\n+++ b/calc.py\n');
    expect(logged.map(renderProgress).filter(Boolean)[1]).toBe(
      `[baseline] baseline test run — 1 failing, 1 passing · 0.0 s`,
    );
  });
});
