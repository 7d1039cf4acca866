import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readEnv, resolveCeilings, type Ceilings } from '../config/index.js';
import { renderChart } from './chart.js';
import type { ManifestLineError } from './errors.js';
import { renderReport } from './report.js';
import { appendResult, readResults, totalsOf, type Totals } from './results.js';
import { evaluateCase, type CaseContext } from './run-case.js';
import type { CaseResult, EvalCase, EvalSettings } from './types.js';

export interface EvalOptions extends Omit<CaseContext, 'logDir' | 'ceilings'> {
  /** Default: the ceilings of this process's environment, read as `mimo fix` reads them. */
  ceilings?: Ceilings;
  cases: EvalCase[];
  invalid: ManifestLineError[];
  out: string;
  /** Skip the ids already in DIR/results.jsonl (otherwise results.jsonl starts afresh). */
  resume: boolean;
  /** A line per finished case (stderr in the CLI). */
  progress(line: string): void;
}

export interface EvalSummary extends Totals {
  /** Elapsed time of this invocation. */
  wallMs: number;
  model: string;
  scripted: boolean;
  /** Cases taken from an earlier run's results.jsonl (`--resume`). */
  resumed: number;
  /** Manifest lines that were not valid cases. */
  invalid: number;
  /** Cases not run because the evaluation was interrupted. */
  notRun: number;
  aborted: boolean;
  results: string;
  report: string;
}

/** Runs `worker` over `items`, at most `limit` at a time, in order of the items. */
async function pool<T>(items: T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await worker(items[next++]!);
  });
  await Promise.all(lanes);
}

function progressLine(r: CaseResult, done: number, total: number, resolved: number): string {
  const outcome = r.resolved
    ? 'resolved'
    : r.claimed
      ? 'NOT resolved (claimed green, did not verify)'
      : 'not resolved';
  return (
    `[${done}/${total}] ${r.id}: ${outcome} — ${r.stop.reason}, ${r.iterations} iteration(s), ` +
    `${(r.wallMs / 1000).toFixed(1)} s · ${resolved}/${done} resolved so far (${((resolved / done) * 100).toFixed(1)} %)`
  );
}

/**
 * `mimo eval`: every case in its own sandboxed run, N at a time, each result verified on a fresh copy and appended
 * to DIR/results.jsonl as soon as it is known; then DIR/report.md and DIR/chart.svg over all the manifest's cases.
 */
export async function runEval(options: EvalOptions): Promise<EvalSummary> {
  const started = Date.now();
  const { out, settings } = options;
  const logDir = join(out, 'logs');
  await mkdir(logDir, { recursive: true });
  const resultsPath = join(out, 'results.jsonl');
  const wanted = new Set(options.cases.map((c) => c.id));
  const earlier = options.resume ? await readResults(resultsPath) : { results: [], skippedLines: [] };
  if (earlier.skippedLines.length > 0) {
    options.progress(
      `[resume] ${resultsPath}: line(s) ${earlier.skippedLines.join(', ')} are not results (cut short?); those cases run again`,
    );
  }
  if (!options.resume) await writeFile(resultsPath, '');
  const kept = new Map(earlier.results.filter((r) => wanted.has(r.id)).map((r) => [r.id, r]));
  await writeFile(join(out, 'run.json'), `${JSON.stringify(settings satisfies EvalSettings, null, 2)}\n`);
  for (const e of options.invalid) options.progress(`[manifest] ${e.message} — skipped, the other cases run`);

  const todo = options.cases.filter((c) => !kept.has(c.id));
  if (kept.size > 0)
    options.progress(`[resume] ${kept.size} case(s) already in ${resultsPath}, ${todo.length} to run`);
  const fresh = new Map<string, CaseResult>();
  let resolved = 0;
  // An error no case can get past (no engine, no image) stops the other lanes too, then is thrown.
  const fatal = new AbortController();
  let fatalError: unknown;
  const context: CaseContext = {
    ...options,
    ceilings: options.ceilings ?? resolveCeilings(readEnv().ceilings),
    logDir,
    signal: AbortSignal.any([options.signal, fatal.signal]),
  };
  await pool(todo, settings.parallel, async (c) => {
    if (context.signal.aborted) return;
    let result: CaseResult | undefined;
    try {
      result = await evaluateCase(c, context);
    } catch (error) {
      fatalError ??= error;
      fatal.abort();
      return;
    }
    if (!result) return;
    fresh.set(c.id, result);
    await appendResult(resultsPath, result);
    if (result.resolved) resolved++;
    options.progress(progressLine(result, fresh.size, todo.length, resolved));
  });

  if (fatalError !== undefined) throw fatalError;
  const all = options.cases.map((c) => kept.get(c.id) ?? fresh.get(c.id)).filter((r): r is CaseResult => !!r);
  const elapsedMs = Date.now() - started;
  const totals = totalsOf(all);
  const chartFile = 'chart.svg';
  await writeFile(
    join(out, chartFile),
    renderChart(all, `${totals.resolved}/${totals.cases} resolved — ${settings.modelLabel}`),
  );
  const reportPath = join(out, 'report.md');
  await writeFile(
    reportPath,
    renderReport({ settings, results: all, invalid: options.invalid, chartFile, elapsedMs }),
  );
  return {
    ...totals,
    wallMs: elapsedMs,
    model: settings.modelLabel,
    scripted: settings.scripted,
    resumed: kept.size,
    invalid: options.invalid.length,
    notRun: options.cases.length - all.length,
    aborted: options.signal.aborted,
    results: resultsPath,
    report: reportPath,
  };
}
