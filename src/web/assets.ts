/** The run page's stylesheet and its one script (progressive enhancement: the page reads fine without it). */

export const RUN_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #656d76; --bg: #fff; --line: #d0d7de; --ok: #1a7f37; --bad: #cf222e; --code: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --line: #30363d; --code: #161b22; } }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.subtitle, .muted, footer { color: var(--muted); } footer { margin-top: 32px; font-size: 13px; }
.state { display: inline-block; padding: 1px 10px; border-radius: 12px; font-weight: 600; font-size: 13px; border: 1px solid var(--line); }
.state-running { color: #9a6700; } .state-done { color: var(--ok); } .state-failed { color: var(--bad); } .state-cancelled { color: var(--muted); }
.facts dl { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 12px 0; } .facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase; } .facts dd { margin: 0; }
.chart .bad { fill: var(--bad); } .chart .ok { fill: var(--ok); } .chart .grid { stroke: var(--line); }
.chart text { fill: var(--fg); font-size: 12px; } .chart .tick, .chart .axis { fill: var(--muted); }
pre.diff { background: var(--code); padding: 12px; overflow-x: auto; font-size: 13px; border-radius: 6px; }
.diff .add { color: var(--ok); } .diff .del { color: var(--bad); } .diff .hunk { color: #8250df; } .diff .file { font-weight: 600; }
ol.log { font: 13px/1.6 ui-monospace, SFMono-Regular, Menlo, monospace; padding-left: 0; list-style: none; }
ol.log li { border-bottom: 1px dotted var(--line); padding: 2px 0; white-space: pre-wrap; word-break: break-word; }
ol.log .ts, ol.log .it { color: var(--muted); } ol.log .ph { display: inline-block; min-width: 70px; font-weight: 600; }
.phase-stop .ph { color: var(--ok); } .live { font-size: 12px; color: var(--bad); }
ul.proof .ok { color: var(--ok); } ul.proof .bad { color: var(--bad); }
table.runs { border-collapse: collapse; width: 100%; } table.runs td, table.runs th { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); }
`;

/**
 * Follows the log with server-sent events while the job runs: appends each event as a line (text only, never HTML),
 * and reloads into the finished page (chart, diff, stop reason) when the run ends.
 */
export const LIVE_JS = `
(function () {
  var log = document.getElementById('log');
  if (!log || !log.dataset.events || !window.EventSource) return;
  var source = new EventSource(log.dataset.events);
  function span(cls, text) { var s = document.createElement('span'); s.className = cls; s.textContent = text; return s; }
  source.onmessage = function (m) {
    var e = JSON.parse(m.data);
    if (log.querySelector('li[data-index="' + e.index + '"]')) return;
    var li = document.createElement('li');
    li.dataset.index = String(e.index);
    li.className = 'phase-' + e.phase;
    li.append(span('ts', e.ts.slice(11, 19)), ' ', span('it', String(e.iteration)), ' ', span('ph', e.phase), ' ', span('msg', e.message));
    log.appendChild(li);
  };
  source.addEventListener('end', function () { source.close(); window.location.reload(); });
})();
`;
