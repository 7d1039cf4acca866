import type { ManifestLineError } from './errors.js';
import { totalsOf } from './results.js';
import type { CaseResult, EvalSettings } from './types.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const dollars = (usd: number) => `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`;
const onOff = (on: boolean) => (on ? 'on' : 'off');

/** The model as the report names it: a scripted replay is labelled as such, never as a model. */
export function modelLabel(spec: string): { label: string; scripted: boolean } {
  if (spec.trim() === 'none') return { label: 'none — the deterministic fixers only', scripted: false };
  if (spec.startsWith('scripted:'))
    return { label: `scripted replay, not a model (${spec})`, scripted: true };
  return { label: spec, scripted: false };
}

/** The header lines every report starts with: the model and every switch, so two reports can be compared. */
export function settingsLines(s: EvalSettings): string[] {
  return [
    `- **Model:** ${s.modelLabel}`,
    `- **Feedback:** ${s.feedback} · **Fixers:** ${onOff(s.fixers)} · **Score:** ${onOff(s.score)} · ` +
      `**Localize:** ${onOff(s.localize)} · **Proof runs:** ${s.proofRuns}`,
    `- **Max iterations:** ${s.maxIterations ?? "each case's config"} · **Timeout per case:** ` +
      `${s.timeoutSeconds !== undefined ? `${s.timeoutSeconds} s` : "each case's config"} · **Parallel:** ${s.parallel}`,
    `- **Image:** ${s.image ?? 'the runner image'} (unless a case or its config names one) · **Cases from:** \`${s.source}\``,
  ];
}

export interface ReportInput {
  settings: EvalSettings;
  results: CaseResult[];
  invalid: ManifestLineError[];
  chartFile: string;
  /** Elapsed time of this invocation (a resumed run counts only its own part). */
  elapsedMs: number;
}

/** DIR/report.md: header with the settings, totals, the chart, a row per case, then the invalid manifest lines. */
export function renderReport(input: ReportInput): string {
  const { settings: s, results } = input;
  const t = totalsOf(results);
  const lines = [
    `# mimo eval: ${t.resolved}/${t.cases} resolved (${(t.resolvedRate * 100).toFixed(1)} %)`,
    '',
  ];
  if (s.scripted) {
    lines.push(
      '> **Scripted replay, not a model:** the tool calls were written by hand and replayed; the',
      '> figures measure the harness and the loop, not a model.',
      '',
    );
  }
  lines.push(...settingsLines(s), '', '## Totals', '');
  lines.push(
    '| Cases | Resolved | Rate | Claimed, not verified | Iterations | Tokens | Cost | Cost per resolved | Time (sum of cases) | Time per resolved | Test commands | Elapsed |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    `| ${t.cases} | ${t.resolved} | ${(t.resolvedRate * 100).toFixed(1)} % | ${t.claimedNotVerified} | ${t.iterations} | ${t.tokens} | ${dollars(t.costUsd)} | ${t.costPerResolvedUsd === null ? '—' : dollars(t.costPerResolvedUsd)} | ${seconds(t.caseWallMs)} | ${t.wallMsPerResolved === null ? '—' : seconds(t.wallMsPerResolved)} | ${seconds(t.testMs)} | ${seconds(input.elapsedMs)} |`,
    '',
    `![Wall time per case, coloured by outcome](${input.chartFile})`,
    '',
    '## Cases',
    '',
    '| Case | Resolved | Run claimed | Stop | Iterations | Tokens | Cost | Wall | Verification on a fresh copy | Log |',
    '|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const r of results) {
    lines.push(
      `| ${cell(r.id)} | ${r.resolved ? 'yes' : 'no'} | ${r.claimed ? 'green' : 'no'} | ${cell(`${r.stop.reason}${r.stop.limit ? ` (${r.stop.limit})` : ''}: ${r.stop.detail.slice(0, 120)}`)} | ${r.iterations} | ${r.tokens} | ${dollars(r.costUsd)} | ${seconds(r.wallMs)} | ${cell(r.verification.detail.slice(0, 160))} | \`${cell(r.log)}\` |`,
    );
  }
  if (input.invalid.length > 0) {
    lines.push('', '## Manifest lines not run', '');
    for (const e of input.invalid) lines.push(`- ${cell(e.message)}`);
  }
  lines.push(
    '',
    '`resolved` is decided only by the verification: the diff applied to a fresh copy of the case and the tests',
    'run in a fresh sandbox (see docs/eval.md). Each case’s diff is in results.jsonl.',
    '',
  );
  return lines.join('\n');
}
