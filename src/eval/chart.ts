import type { CaseResult } from './types.js';

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

const COLORS = { resolved: '#2da44e', claimed: '#bf8700', unresolved: '#cf222e' } as const;

/**
 * A horizontal bar per case: its wall time, green when resolved, amber when the run claimed green but the diff did
 * not verify, red otherwise; the test commands' share of the time is the darker part. Plain SVG, no script.
 */
export function renderChart(results: CaseResult[], title: string): string {
  const rowHeight = 18;
  const labelWidth = 220;
  const barWidth = 460;
  const top = 40;
  const height = top + results.length * rowHeight + 40;
  const maxMs = Math.max(1, ...results.map((r) => r.wallMs));
  const scale = (ms: number) => Math.max(1, Math.round((ms / maxMs) * barWidth));
  const rows = results.map((r, i) => {
    const y = top + i * rowHeight;
    const color = r.resolved ? COLORS.resolved : r.claimed ? COLORS.claimed : COLORS.unresolved;
    const status = r.resolved ? 'resolved' : r.claimed ? 'claimed, not verified' : 'not resolved';
    const label = escapeXml(r.id.length > 32 ? `${r.id.slice(0, 31)}…` : r.id);
    return [
      `<g><title>${escapeXml(`${r.id}: ${status}, ${(r.wallMs / 1000).toFixed(1)} s (tests ${(r.testMs / 1000).toFixed(1)} s), stop ${r.stop.reason}`)}</title>`,
      `<text x="${labelWidth - 6}" y="${y + 13}" text-anchor="end">${label}</text>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${scale(r.wallMs)}" height="${rowHeight - 6}" fill="${color}" fill-opacity="0.45"/>`,
      `<rect x="${labelWidth}" y="${y + 3}" width="${scale(Math.min(r.testMs, r.wallMs))}" height="${rowHeight - 6}" fill="${color}"/>`,
      `<text x="${labelWidth + scale(r.wallMs) + 4}" y="${y + 13}">${(r.wallMs / 1000).toFixed(1)} s</text></g>`,
    ].join('');
  });
  const legendY = height - 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 80}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    ...rows,
    `<text x="10" y="${legendY}">wall time per case (dark part: test commands) —</text>`,
    `<rect x="275" y="${legendY - 9}" width="10" height="10" fill="${COLORS.resolved}"/><text x="289" y="${legendY}">resolved</text>`,
    `<rect x="345" y="${legendY - 9}" width="10" height="10" fill="${COLORS.claimed}"/><text x="359" y="${legendY}">claimed, not verified</text>`,
    `<rect x="475" y="${legendY - 9}" width="10" height="10" fill="${COLORS.unresolved}"/><text x="489" y="${legendY}">not resolved</text>`,
    '</svg>',
    '',
  ].join('\n');
}
