import type { IterationEvent } from '../repair/index.js';
import { failingTestsSvg } from './chart.js';
import { escapeHtml, safeText } from './html.js';
import type { RunMeta } from './runs.js';

export const ASSET_PATH = '/runs/assets';

function layout(title: string, body: string, script?: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(title)}</title>`,
    `<link rel="stylesheet" href="${ASSET_PATH}/run.css">`,
    script ? `<script src="${ASSET_PATH}/live.js" defer></script>` : '',
    `</head><body>${body}</body></html>`,
  ].join('');
}

function time(iso: string | undefined): string {
  return iso
    ? `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso.replace('T', ' ').slice(0, 19))} UTC</time>`
    : '';
}

/** One line of the log, the same markup the live script appends (it sets text, never HTML). */
export function logLine(event: IterationEvent, index: number): string {
  return `<li data-index="${index}" class="phase-${escapeHtml(event.phase)}"><span class="ts">${escapeHtml(event.ts.slice(11, 19))}</span> <span class="it">${event.iteration}</span> <span class="ph">${escapeHtml(event.phase)}</span> <span class="msg">${safeText(event.message)}</span></li>`;
}

function totals(events: IterationEvent[]) {
  const stop = events.findLast((e) => e.phase === 'stop');
  const tokens = events.reduce((n, e) => n + (e.tokens ? e.tokens.input + e.tokens.output : 0), 0);
  const cost = events.reduce((n, e) => n + (e.costUsd ?? 0), 0);
  return {
    stop: stop?.stop,
    tokens: stop?.totals?.tokens ?? tokens,
    costUsd: stop?.totals?.costUsd ?? cost,
    wallMs: stop?.totals?.wallTimeMs,
    iterations: stop?.totals?.iterations ?? Math.max(0, ...events.map((e) => e.iteration)),
    model: stop?.totals?.modelId,
  };
}

function diffBlock(diff: string): string {
  const lines = diff.split('\n').map((line) => {
    const kind =
      line.startsWith('+++') || line.startsWith('---')
        ? 'file'
        : line.startsWith('+')
          ? 'add'
          : line.startsWith('-')
            ? 'del'
            : line.startsWith('@@')
              ? 'hunk'
              : '';
    return `<span class="${kind}">${safeText(line)}</span>`;
  });
  return `<pre class="diff" id="diff">${lines.join('\n')}</pre>`;
}

function proofList(events: IterationEvent[]): string {
  const proof = events.filter((e) => e.phase === 'proof');
  if (proof.length === 0) return '<p class="muted">No proof-of-fix run (the repair did not reach green).</p>';
  return `<ul class="proof">${proof
    .map(
      (e) =>
        `<li class="${e.failures?.failed ? 'bad' : 'ok'}">${safeText(e.message)}${e.failures ? ` — ${e.failures.failed} failing, ${e.failures.passed} passing` : ''}</li>`,
    )
    .join('')}</ul>`;
}

/** The run page: what was repaired, how it ended, cost, chart, proof, diff and the iteration log. */
export function runPage(meta: RunMeta, events: IterationEvent[], eventsUrl: string): string {
  const t = totals(events);
  const running = meta.state === 'running';
  const diff = meta.diff ?? events.findLast((e) => e.diff)?.diff;
  const title = `${meta.repo} ${meta.target}`;
  const links = (meta.links ?? [])
    .map((l) => `<a href="${escapeHtml(l.url)}" rel="noreferrer">${escapeHtml(l.label)}</a>`)
    .join(' · ');
  const body = [
    '<header>',
    `<h1>mimo fix · ${escapeHtml(title)}</h1>`,
    meta.title ? `<p class="subtitle">${safeText(meta.title)}</p>` : '',
    `<p><span class="state state-${meta.state}" id="state">${running ? 'running' : escapeHtml(meta.state)}</span>`,
    ` started ${time(meta.startedAt)}${meta.finishedAt ? `, finished ${time(meta.finishedAt)}` : ''}`,
    meta.requestedBy ? ` · requested by ${escapeHtml(meta.requestedBy)}` : '',
    meta.headSha ? ` · commit <code>${escapeHtml(meta.headSha.slice(0, 7))}</code>` : '',
    '</p></header>',
    '<section class="facts"><dl>',
    `<div><dt>Stop reason</dt><dd id="stop">${t.stop ? `<strong>${escapeHtml(t.stop.reason)}</strong> — ${safeText(t.stop.detail)}` : running ? 'still running' : 'none recorded'}</dd></div>`,
    meta.outcome
      ? `<div><dt>Outcome</dt><dd id="outcome">${safeText(meta.outcome)}${links ? ` (${links})` : ''}</dd></div>`
      : '',
    `<div><dt>Iterations</dt><dd>${t.iterations}</dd></div>`,
    `<div><dt>Tokens</dt><dd id="tokens">${t.tokens.toLocaleString('en-US')}</dd></div>`,
    `<div><dt>Cost</dt><dd id="cost">$${t.costUsd.toFixed(4)}</dd></div>`,
    t.wallMs !== undefined ? `<div><dt>Wall time</dt><dd>${(t.wallMs / 1000).toFixed(1)} s</dd></div>` : '',
    t.model ? `<div><dt>Model</dt><dd>${escapeHtml(t.model)}</dd></div>` : '',
    '</dl></section>',
    `<section><h2>Failing tests per test run</h2><div id="chart">${failingTestsSvg(events)}</div></section>`,
    `<section><h2>Proof of fix</h2>${proofList(events)}</section>`,
    `<section><h2>Diff</h2>${diff ? diffBlock(diff) : '<p class="muted">No change yet.</p>'}</section>`,
    `<section><h2>Iteration log${running ? ' <span class="live" id="live">live</span>' : ''}</h2>`,
    `<ol class="log" id="log"${running ? ` data-events="${escapeHtml(eventsUrl)}" data-count="${events.length}"` : ''}>`,
    events.map(logLine).join(''),
    '</ol></section>',
    '<footer>This page is a private link: anyone who has it can read this run. Rotating MIMO_RUNS_SECRET revokes it.</footer>',
  ].join('');
  return layout(`mimo fix · ${title}`, `<main>${body}</main>`, running ? 'live' : undefined);
}

/** An installation's runs, newest first, each linked by its own capability URL. */
export function runsListPage(installationId: number, runs: { meta: RunMeta; href: string }[]): string {
  const rows = runs
    .map(
      ({ meta, href }) =>
        `<tr><td>${time(meta.startedAt)}</td><td>${escapeHtml(meta.repo)}</td><td><a href="${escapeHtml(href)}">${escapeHtml(meta.target)}</a></td><td><span class="state state-${meta.state}">${escapeHtml(meta.state)}</span></td><td>${safeText(meta.outcome ?? '')}</td></tr>`,
    )
    .join('');
  const body = `<main><h1>mimo fix · runs of installation ${installationId}</h1>${
    runs.length === 0
      ? '<p class="muted">No runs yet.</p>'
      : `<table class="runs"><thead><tr><th>Started</th><th>Repository</th><th>Target</th><th>State</th><th>Outcome</th></tr></thead><tbody>${rows}</tbody></table>`
  }</main>`;
  return layout(`mimo fix · installation ${installationId}`, body);
}
