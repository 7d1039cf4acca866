// The web organ over real HTTP: run pages behind capability links, the live stream, the runs list and /metrics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IterationEvent } from '../../src/repair/index.js';
import { Web, runPath, installationPath, Capabilities } from '../../src/web/index.js';

const ev = (
  partial: Partial<IterationEvent> & Pick<IterationEvent, 'phase' | 'message'>,
): IterationEvent => ({
  ts: '2026-12-01T10:00:00.000Z',
  iteration: 0,
  ...partial,
});

async function serve(web: Web): Promise<{ url: string; server: Server }> {
  const handler = web.handler();
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(418).end('not ours');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('web routes', () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'mimo-runs-'));
  const web = new Web({ runsDir, runsSecret: 'first-secret', publicUrl: 'https://mimo.example/' });
  let url: string;
  let server: Server;
  beforeAll(async () => {
    ({ url, server } = await serve(web));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  function startRun(jobId: string, installationId = 7) {
    return web.runs.start({
      jobId,
      installationId,
      repo: 'octo/stats',
      target: '#12',
      title: 'Use <b>fmean</b>',
    });
  }

  it('serves a run page at its capability link, with log text escaped and tokens redacted', async () => {
    const reporter = startRun('job-page');
    reporter.event(
      ev({
        phase: 'baseline',
        message: 'tests `pytest` failed: <script>alert(1)</script>',
        failures: { passed: 1, failed: 2, skipped: 0, tests: [] },
      }),
    );
    reporter.event(
      ev({
        phase: 'tests',
        iteration: 1,
        message: 'echoed ghs_abcdefghijklmnopqrstuvwxyz0123 by mistake',
        failures: { passed: 3, failed: 0, skipped: 0, tests: [] },
      }),
    );
    reporter.event(
      ev({
        phase: 'stop',
        message: 'green',
        stop: { reason: 'green', detail: 'all 3 tests pass' },
        totals: { iterations: 1, tokens: 1234, costUsd: 0.0123, wallTimeMs: 4200 },
      }),
    );
    web.runs.finish('job-page', {
      state: 'done',
      outcome: 'fix pull request #13',
      diff: '--- a/stats.py\n+++ b/stats.py\n@@ -1 +1,2 @@\n+import math\n',
    });
    expect(web.runUrl('job-page')).toBe(`https://mimo.example${runPath(web.capabilities!, 'job-page')}`);
    const res = await fetch(url + runPath(web.capabilities!, 'job-page'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('ghs_abcdefghijklmnopqrstuvwxyz0123');
    expect(html).toContain('Use &lt;b&gt;fmean&lt;/b&gt;');
    expect(html).toMatch(/<strong>green<\/strong> — all 3 tests pass/);
    expect(html).toContain('$0.0123');
    expect(html).toContain('1,234');
    expect(html).toContain('<svg');
    expect(html).toContain('<span class="add">+import math</span>');
    expect(html).not.toContain('first-secret');
    // Finished: no live script.
    expect(html).not.toContain('live.js');
  });

  it('answers the same 404 to a missing, wrong, foreign or revoked token and to an unknown job', async () => {
    startRun('job-a');
    startRun('job-b');
    const caps = web.capabilities!;
    const good = await fetch(url + runPath(caps, 'job-a'));
    expect(good.status).toBe(200);
    const rotated = new Capabilities({ runsSecret: 'second-secret' });
    const attempts = [
      '/runs/job-a',
      '/runs/job-a/',
      `/runs/job-a/${caps.runToken('job-b')}`,
      `/runs/job-a/${caps.runToken('job-a').slice(0, -1)}x`,
      `/runs/job-a/${caps.runToken('job-a')}x`,
      `/runs/job-a/${caps.installationToken(7)}`,
      runPath(rotated, 'job-a'),
      runPath(caps, 'job-never-ran'),
      `${runPath(caps, 'job-a')}/other`,
      `/runs/installation/7/${caps.runToken('job-a')}`,
    ];
    for (const path of attempts) {
      const res = await fetch(url + path);
      expect([path, res.status, await res.text()]).toEqual([path, 404, 'Not Found\n']);
    }
  });

  it('streams a running job: the events so far, each new one as it happens, then the end', async () => {
    const reporter = startRun('job-live');
    reporter.event(ev({ phase: 'start', message: 'cloned octo/stats' }));
    const res = await fetch(`${url}${runPath(web.capabilities!, 'job-live')}/events`);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += Buffer.from(value).toString();
      }
    };
    await readUntil('cloned octo/stats');
    expect(text).toContain('id: 0\n');
    reporter.event(
      ev({ phase: 'baseline', message: 'baseline: 2 failing, token ghs_abcdefghijklmnopqrstuvwxyz0123' }),
    );
    await readUntil('baseline: 2 failing');
    expect(text).toContain('id: 1\n');
    expect(text).not.toContain('ghs_abcdefghijklmnopqrstuvwxyz0123');
    web.runs.finish('job-live', { state: 'done' });
    await readUntil('event: end');
    const { done } = await reader.read();
    expect(done).toBe(true);
  });

  it('resumes the stream after the last event the browser saw (Last-Event-ID)', async () => {
    const reporter = startRun('job-resume');
    for (let i = 0; i < 3; i++) reporter.event(ev({ phase: 'tool', message: `step ${i}` }));
    web.runs.finish('job-resume', { state: 'failed' });
    const res = await fetch(`${url}${runPath(web.capabilities!, 'job-resume')}/events`, {
      headers: { 'last-event-id': '1' },
    });
    const text = await res.text();
    expect(text).not.toContain('step 0');
    expect(text).not.toContain('step 1');
    expect(text).toContain('id: 2\n');
    expect(text).toContain('event: end');
  });

  it("lists an installation's runs only, each by its own link", async () => {
    startRun('job-other-installation', 99);
    const res = await fetch(url + installationPath(web.capabilities!, 7));
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain(`href="${runPath(web.capabilities!, 'job-page')}"`);
    expect(html).not.toContain('job-other-installation');
    expect((await fetch(url + installationPath(new Capabilities({ runsSecret: 'x' }), 7))).status).toBe(404);
  });

  it('leaves other paths to the rest of the server', async () => {
    expect((await fetch(`${url}/api/github/webhooks`)).status).toBe(418);
  });

  it('serves /metrics in Prometheus text with mimo_* families, the default process metrics among them', async () => {
    web.metrics.deliveries.inc({ event: 'issue_comment.created', outcome: 'received' });
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toContain(
      'mimo_webhook_deliveries_total{event="issue_comment.created",outcome="received"} 1',
    );
    for (const family of [
      'mimo_jobs_total',
      'mimo_queue_wait_seconds',
      'mimo_model_tokens_total',
      'mimo_sandbox_opens_total',
      'mimo_process_cpu_user_seconds_total',
      'mimo_nodejs_heap_size_used_bytes',
    ])
      expect(text).toContain(`# TYPE ${family}`);
    expect(text).not.toMatch(/^# TYPE (?!mimo_)/m);
  });

  it('asks for the bearer token on /metrics when MIMO_METRICS_TOKEN is set', async () => {
    const guarded = new Web({ runsDir, runsSecret: 's', metricsToken: 'scrape-me' });
    const { url: other, server: s } = await serve(guarded);
    try {
      expect((await fetch(`${other}/metrics`)).status).toBe(401);
      expect((await fetch(`${other}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(
        401,
      );
      expect(
        (await fetch(`${other}/metrics`, { headers: { authorization: 'Bearer scrape-me' } })).status,
      ).toBe(200);
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  it('serves no run page at all without a key (no secret configured)', async () => {
    const keyless = new Web({ runsDir });
    expect(keyless.capabilities).toBeNull();
    expect(keyless.runUrl('job-page')).toBeUndefined();
    const { url: other, server: s } = await serve(keyless);
    try {
      expect((await fetch(`${other}/runs/job-page/anything`)).status).toBe(404);
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });
});
