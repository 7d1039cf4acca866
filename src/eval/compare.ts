import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ManifestError } from './errors.js';
import { readResults, totalsOf, type Totals } from './results.js';
import type { EvalSettings } from './types.js';

export type Change = 'gained' | 'lost' | 'same' | 'only in A' | 'only in B';

export interface CaseDifference {
  id: string;
  a?: boolean;
  b?: boolean;
  change: Change;
}

export interface Comparison {
  cases: CaseDifference[];
  a: Totals;
  b: Totals;
  /** Settings that differ between the two runs (`model`, `feedback`, …), as [A, B]. */
  settings: Record<string, [unknown, unknown]>;
  /** Over the cases both runs have: resolved in B minus resolved in A. */
  resolvedDelta: number;
}

async function settingsOf(dir: string): Promise<Partial<EvalSettings>> {
  try {
    return JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as Partial<EvalSettings>;
  } catch {
    return {};
  }
}

/** Compares two eval output folders (each with results.jsonl and run.json), case by case and overall. */
export async function compareRuns(dirA: string, dirB: string): Promise<Comparison> {
  const [ra, rb] = await Promise.all([
    readResults(join(dirA, 'results.jsonl')),
    readResults(join(dirB, 'results.jsonl')),
  ]);
  if (ra.results.length === 0) throw new ManifestError(`${dirA}: no results.jsonl with results in it`);
  if (rb.results.length === 0) throw new ManifestError(`${dirB}: no results.jsonl with results in it`);
  const a = new Map(ra.results.map((r) => [r.id, r.resolved]));
  const b = new Map(rb.results.map((r) => [r.id, r.resolved]));
  const ids = [...new Set([...a.keys(), ...b.keys()])].sort();
  const cases = ids.map((id): CaseDifference => {
    const x = a.get(id);
    const y = b.get(id);
    const change: Change =
      x === undefined
        ? 'only in B'
        : y === undefined
          ? 'only in A'
          : x === y
            ? 'same'
            : y
              ? 'gained'
              : 'lost';
    return { id, a: x, b: y, change };
  });
  const [sa, sb] = await Promise.all([settingsOf(dirA), settingsOf(dirB)]);
  const settings: Record<string, [unknown, unknown]> = {};
  for (const key of new Set([...Object.keys(sa), ...Object.keys(sb)])) {
    const x = (sa as Record<string, unknown>)[key];
    const y = (sb as Record<string, unknown>)[key];
    if (JSON.stringify(x) !== JSON.stringify(y)) settings[key] = [x, y];
  }
  const both = cases.filter((c) => c.a !== undefined && c.b !== undefined);
  return {
    cases,
    a: totalsOf(ra.results),
    b: totalsOf(rb.results),
    settings,
    resolvedDelta: both.filter((c) => c.b).length - both.filter((c) => c.a).length,
  };
}

const mark = (v: boolean | undefined) => (v === undefined ? '—' : v ? 'resolved' : 'not resolved');

/** The comparison as text: settings that differ, one line per case, then the totals side by side. */
export function renderComparison(c: Comparison, labelA: string, labelB: string): string {
  const lines = [`A: ${labelA}`, `B: ${labelB}`, ''];
  const keys = Object.keys(c.settings);
  if (keys.length > 0) {
    lines.push('Settings that differ:');
    for (const k of keys)
      lines.push(`  ${k}: ${JSON.stringify(c.settings[k]![0])} → ${JSON.stringify(c.settings[k]![1])}`);
    lines.push('');
  }
  const width = Math.max(4, ...c.cases.map((x) => x.id.length));
  lines.push(`${'case'.padEnd(width)}  ${'A'.padEnd(12)}  ${'B'.padEnd(12)}  change`);
  for (const x of c.cases)
    lines.push(`${x.id.padEnd(width)}  ${mark(x.a).padEnd(12)}  ${mark(x.b).padEnd(12)}  ${x.change}`);
  const pct = (t: Totals) => `${t.resolved}/${t.cases} (${(t.resolvedRate * 100).toFixed(1)} %)`;
  lines.push(
    '',
    `resolved: A ${pct(c.a)}, B ${pct(c.b)}; on the cases both ran, B − A = ${c.resolvedDelta >= 0 ? '+' : ''}${c.resolvedDelta}`,
    `gained ${c.cases.filter((x) => x.change === 'gained').length}, lost ${c.cases.filter((x) => x.change === 'lost').length}`,
    `cost: A $${c.a.costUsd.toFixed(2)}, B $${c.b.costUsd.toFixed(2)}; time (sum of cases): A ${(c.a.caseWallMs / 1000).toFixed(1)} s, B ${(c.b.caseWallMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n');
}
