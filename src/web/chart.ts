import type { IterationEvent } from '../repair/index.js';
import { escapeHtml } from './html.js';

const TEST_PHASES = new Set(['baseline', 'fixer', 'reproduce', 'tests', 'proof']);

export interface ChartBar {
  label: string;
  failed: number;
  passed: number;
}

/** One bar per test run of the log: its failing tests (the same runs as the PR body's chart). */
export function chartBars(events: IterationEvent[]): ChartBar[] {
  const counts = new Map<string, number>();
  return events
    .filter((e) => TEST_PHASES.has(e.phase) && e.failures)
    .map((e) => {
      let label: string;
      if (e.phase === 'tests' || e.phase === 'reproduce') label = `#${e.iteration}`;
      else if (e.phase === 'baseline') label = 'baseline';
      else {
        const n = (counts.get(e.phase) ?? 0) + 1;
        counts.set(e.phase, n);
        label = `${e.phase} ${n}`;
      }
      return { label, failed: e.failures!.failed, passed: e.failures!.passed };
    });
}

/**
 * The failing-tests chart as an SVG element, drawn on the server (no script, no CDN): a bar per test run, red
 * while tests fail, green at zero, with the count above each bar and a text alternative for screen readers.
 */
export function failingTestsSvg(events: IterationEvent[]): string {
  const bars = chartBars(events);
  if (bars.length === 0) return '<p class="muted">No test run yet.</p>';
  const max = Math.max(1, ...bars.map((b) => b.failed));
  const barWidth = 44;
  const gap = 14;
  const top = 40;
  const plot = 140;
  const left = 36;
  const width = left + bars.length * (barWidth + gap) + gap;
  const height = top + plot + 40;
  const y = (n: number) => top + plot - (n / max) * plot;
  const ticks = [...new Set([0, Math.ceil(max / 2), max])];
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>Failing tests per test run: ${escapeHtml(bars.map((b) => `${b.label} ${b.failed}`).join(', '))}</title>`,
  ];
  for (const t of ticks) {
    parts.push(
      `<line x1="${left}" x2="${width - gap / 2}" y1="${y(t)}" y2="${y(t)}" class="grid"/>`,
      `<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end" class="tick">${t}</text>`,
    );
  }
  bars.forEach((bar, i) => {
    const x = left + gap + i * (barWidth + gap);
    const h = Math.max(bar.failed === 0 ? 2 : 0, (bar.failed / max) * plot);
    parts.push(
      `<rect x="${x}" y="${top + plot - h}" width="${barWidth}" height="${h}" class="${bar.failed === 0 ? 'ok' : 'bad'}"><title>${escapeHtml(bar.label)}: ${bar.failed} failing, ${bar.passed} passing</title></rect>`,
      `<text x="${x + barWidth / 2}" y="${top + plot - h - 5}" text-anchor="middle" class="count">${bar.failed}</text>`,
      `<text x="${x + barWidth / 2}" y="${top + plot + 16}" text-anchor="middle" class="label">${escapeHtml(bar.label)}</text>`,
    );
  });
  parts.push(`<text x="4" y="14" class="axis">failing tests</text>`, '</svg>');
  return parts.join('');
}
