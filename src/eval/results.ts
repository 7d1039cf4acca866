import { appendFile, readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { CaseResult } from './types.js';

/** The shape of a results.jsonl line, checked when a run is resumed or compared. */
export const CaseResultLine = z.object({
  id: z.string(),
  resolved: z.boolean(),
  stop: z.object({ reason: z.string(), detail: z.string(), limit: z.string().optional() }),
  claimed: z.boolean(),
  iterations: z.number(),
  tokens: z.number(),
  costUsd: z.number(),
  wallMs: z.number(),
  testMs: z.number(),
  diff: z.string(),
  files: z.array(z.string()),
  verification: z.object({
    resolved: z.boolean(),
    applied: z.boolean(),
    detail: z.string(),
    exitCode: z.number().optional(),
    testMs: z.number(),
  }),
  log: z.string(),
});

export interface ReadResults {
  results: CaseResult[];
  /** Line numbers that are not results (e.g. cut short when the process was killed); those cases run again. */
  skippedLines: number[];
}

/** Reads results.jsonl; a missing file is an empty run. The last result of an id wins. */
export async function readResults(path: string): Promise<ReadResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { results: [], skippedLines: [] };
    throw error;
  }
  const byId = new Map<string, CaseResult>();
  const skippedLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const parsed = CaseResultLine.safeParse(JSON.parse(line));
      if (parsed.success) byId.set(parsed.data.id, parsed.data);
      else skippedLines.push(i + 1);
    } catch {
      skippedLines.push(i + 1);
    }
  });
  return { results: [...byId.values()], skippedLines };
}

/** Appends one result as one line (a single write, so a killed run leaves at most one cut line). */
export async function appendResult(path: string, result: CaseResult): Promise<void> {
  await appendFile(path, `${JSON.stringify(result)}\n`);
}

export interface Totals {
  cases: number;
  resolved: number;
  resolvedRate: number;
  /** Runs that ended green but whose diff did not verify. */
  claimedNotVerified: number;
  iterations: number;
  tokens: number;
  costUsd: number;
  /** Sum of the cases' wall times (with --parallel N, larger than the elapsed time). */
  caseWallMs: number;
  testMs: number;
  costPerResolvedUsd: number | null;
  wallMsPerResolved: number | null;
}

export function totalsOf(results: CaseResult[]): Totals {
  const resolved = results.filter((r) => r.resolved).length;
  const sum = (f: (r: CaseResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const costUsd = Math.round(sum((r) => r.costUsd) * 1e6) / 1e6;
  const caseWallMs = sum((r) => r.wallMs);
  return {
    cases: results.length,
    resolved,
    resolvedRate: results.length === 0 ? 0 : Math.round((resolved / results.length) * 10_000) / 10_000,
    claimedNotVerified: results.filter((r) => r.claimed && !r.resolved).length,
    iterations: sum((r) => r.iterations),
    tokens: sum((r) => r.tokens),
    costUsd,
    caseWallMs,
    testMs: sum((r) => r.testMs),
    costPerResolvedUsd: resolved === 0 ? null : Math.round((costUsd / resolved) * 1e6) / 1e6,
    wallMsPerResolved: resolved === 0 ? null : Math.round(caseWallMs / resolved),
  };
}
