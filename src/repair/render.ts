import type { IterationEvent } from './log.js';

const TEST_PHASES = new Set(['baseline', 'fixer', 'reproduce', 'tests', 'proof']);

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function seconds(ms: number | undefined): string {
  return ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`;
}

function dollars(usd: number): string {
  return `$${usd < 0.01 && usd > 0 ? usd.toFixed(4) : usd.toFixed(2)}`;
}

function rowLabel(e: IterationEvent): string {
  return e.phase === 'baseline'
    ? 'baseline'
    : e.phase === 'fixer'
      ? 'fixer'
      : e.phase === 'proof'
        ? 'proof'
        : String(e.iteration);
}

/** Markdown table: one row per test run (baseline, fixers, each iteration, proof), with that iteration's cost. */
export function renderIterationTable(events: IterationEvent[]): string {
  const rows = [
    '| Iteration | Phase | Failing | Passing | Score | Tokens | Cost | Duration | What happened |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const counted = new Set<number>();
  for (const e of events) {
    if (!TEST_PHASES.has(e.phase) || !e.failures) continue;
    let tokens = 0;
    let cost = 0;
    if (e.phase === 'tests' && !counted.has(e.iteration)) {
      counted.add(e.iteration);
      for (const m of events) {
        if (m.phase === 'model' && m.iteration === e.iteration) {
          tokens += (m.tokens?.input ?? 0) + (m.tokens?.output ?? 0);
          cost += m.costUsd ?? 0;
        }
      }
    }
    rows.push(
      `| ${rowLabel(e)} | ${e.phase} | ${e.failures.failed} | ${e.failures.passed} | ${e.score ? e.score.value.toFixed(2) : ''} | ` +
        `${tokens || ''} | ${cost ? dollars(cost) : ''} | ${seconds(e.durationMs)} | ${cell(e.message)} |`,
    );
  }
  return rows.join('\n');
}

/** Mermaid chart of the failing-test count at each test run. */
export function renderFailingChart(events: IterationEvent[]): string {
  const runs = events.filter((e) => TEST_PHASES.has(e.phase) && e.failures);
  const counts = new Map<string, number>();
  const labels = runs.map((e) => {
    if (e.phase === 'tests' || e.phase === 'reproduce') return `"${e.iteration}"`;
    if (e.phase === 'baseline') return '"baseline"';
    const n = (counts.get(e.phase) ?? 0) + 1;
    counts.set(e.phase, n);
    return `"${e.phase} ${n}"`;
  });
  const values = runs.map((e) => e.failures!.failed);
  const max = Math.max(1, ...values);
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Failing tests per iteration"',
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "failing tests" 0 --> ${max}`,
    `  bar [${values.join(', ')}]`,
    '```',
  ].join('\n');
}

const OUTCOME: Record<string, string> = {
  green: 'fixed',
  nothing_to_fix: 'nothing to fix',
  budget: 'not fixed: budget spent',
  no_progress: 'not fixed: no progress',
  setup_needed: 'not fixed: the test command could not start',
  gave_up: 'not fixed: gave up',
  aborted: 'stopped',
  reproduction_failed: 'not fixed: the issue could not be reproduced',
  flaky: 'not fixed: flaky',
  tests_dropped: 'not fixed: fewer tests ran than at the baseline',
  error: 'failed with an error',
};

/** Final summary: outcome and stop reason, root cause, files changed, iterations, tokens, cost and wall time. */
export function renderSummary(events: IterationEvent[]): string {
  const stop = [...events].reverse().find((e) => e.phase === 'stop');
  const lines: string[] = [];
  if (!stop?.stop) return '**Result:** the run did not finish (no stop event in the log).';
  lines.push(`**Result:** ${OUTCOME[stop.stop.reason] ?? stop.stop.reason} — ${stop.stop.detail}`);
  if (stop.rootCause) lines.push(`**Root cause:** ${stop.rootCause}`);
  const files = stop.files ?? [];
  lines.push(`**Files changed:** ${files.length > 0 ? files.map((f) => `\`${f}\``).join(', ') : 'none'}`);
  if (stop.flaky && stop.flaky.length > 0)
    lines.push(`**Flaky tests:** ${stop.flaky.map((t) => `\`${t}\``).join(', ')}`);
  const t = stop.totals;
  if (t) {
    lines.push(
      `**Iterations:** ${t.iterations} · **Tokens:** ${t.tokens.toLocaleString('en-US')} · **Cost:** ${dollars(t.costUsd)} · ` +
        `**Wall time:** ${seconds(t.wallTimeMs)}${t.modelId ? ` · **Model:** ${t.modelId}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** The whole report: summary, table, chart and the diff. */
export function renderMarkdownReport(events: IterationEvent[]): string {
  const stop = [...events].reverse().find((e) => e.phase === 'stop');
  const parts = [renderSummary(events), renderIterationTable(events), renderFailingChart(events)];
  if (stop?.diff)
    parts.push(`<details><summary>Diff</summary>\n\n\`\`\`diff\n${stop.diff}\`\`\`\n</details>`);
  return parts.join('\n\n') + '\n';
}

/** One line of live progress for a terminal (stderr), or null for events that are not worth a line. */
export function renderProgress(e: IterationEvent): string | null {
  const tag =
    e.phase === 'tests' || e.phase === 'model' || e.phase === 'tool' ? `iter ${e.iteration}` : e.phase;
  switch (e.phase) {
    case 'start':
    case 'baseline':
    case 'fixer':
    case 'reproduce':
    case 'tests':
    case 'proof': {
      const f = e.failures ? ` — ${e.failures.failed} failing, ${e.failures.passed} passing` : '';
      const s = e.score ? ` · score ${e.score.value.toFixed(2)}` : '';
      const d = e.durationMs !== undefined ? ` · ${seconds(e.durationMs)}` : '';
      return `[${tag}] ${e.message}${f}${s}${d}`;
    }
    case 'model': {
      const tok = e.tokens ? ` · ${e.tokens.input + e.tokens.output} tokens` : '';
      return `[${tag}] ${e.message}${tok}${e.costUsd ? ` · ${dollars(e.costUsd)}` : ''}`;
    }
    case 'tool':
      return `[${tag}]   ${e.message}`;
    case 'stop':
      return `[stop] ${e.stop?.reason ?? ''}: ${e.stop?.detail ?? e.message}`;
    default:
      return null;
  }
}
