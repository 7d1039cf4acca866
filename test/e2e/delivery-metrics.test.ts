// Checked from outside: the app started as `npm start` serves /metrics in Prometheus text with the mimo_* families,
// and its delivery counter moves when a signed delivery arrives (and not for one with a bad signature).
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { eventually, startAppProcess, type AppProcess } from './app-process.js';
import { commentPayload } from './payloads.js';

const COUNTER = 'mimo_webhook_deliveries_total{event="issue_comment",outcome="stored"}';

describe('/metrics of the running app', () => {
  let double: GitHubDouble;
  let app: AppProcess;
  beforeAll(async () => {
    double = await startGitHubDouble();
    app = await startAppProcess(double);
  });
  afterAll(async () => {
    await app?.stop();
    await double?.close();
  });

  const scrape = async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    return res.text();
  };
  const value = (text: string) =>
    Number(
      text
        .split('\n')
        .find((l) => l.startsWith(COUNTER))
        ?.split(' ')[1] ?? 0,
    );

  it('serves the mimo_* families, and the delivery counter counts signed deliveries only', async () => {
    const before = await scrape();
    for (const family of [
      'mimo_webhook_deliveries_total',
      'mimo_triage_decisions_total',
      'mimo_jobs_total',
      'mimo_jobs_running',
      'mimo_queue_depth',
      'mimo_queue_wait_seconds',
      'mimo_test_run_duration_seconds',
      'mimo_model_call_duration_seconds',
      'mimo_model_tokens_total',
      'mimo_model_cost_dollars_total',
      'mimo_sandbox_opens_total',
      'mimo_process_resident_memory_bytes',
      'mimo_nodejs_eventloop_lag_seconds',
    ])
      expect([family, before.includes(`# TYPE ${family} `)]).toEqual([family, true]);
    expect(before).toMatch(/^mimo_queue_depth 0$/m);
    expect(value(before)).toBe(0);

    const repo = double.state.createRepo('octo/metrics', { 'README.md': 'hi\n' });
    const pull = double.state.openPullRequest(repo, { branch: 'x', files: { 'a.txt': 'a\n' }, title: 'x' });
    repo.permissions.set('drive-by', 'read');
    const payload = commentPayload(double, repo, pull.number, '/mimo fix', 'drive-by');
    const delivered = await double.deliver(app.webhookUrl, 'issue_comment', payload);
    expect(delivered.status).toBe(202); // stored by the inbox, triaged afterwards
    // The counter moves when the inbox stores the verified delivery, right at the acknowledgement.
    let seen = 0;
    for (let i = 0; i < 50 && seen === 0; i++) {
      seen = value(await scrape());
      if (seen === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen).toBe(1);
    await eventually('the refusal', () => repo.comments.length > 0);
    // Triage's decision on it (no write access) is counted too.
    // (recorded once triage has finished with the delivery, which is just after its reply went out)
    const refused = /^mimo_triage_decisions_total\{decision="refused",reason="[^"]*"\} 1$/m;
    let scraped = await scrape();
    for (let i = 0; i < 50 && !refused.test(scraped); i++) {
      await new Promise((r) => setTimeout(r, 100));
      scraped = await scrape();
    }
    expect(scraped).toMatch(refused);

    // A delivery whose signature does not verify is refused before any handler: the counter stays.
    const forged = await fetch(app.webhookUrl, {
      method: 'POST',
      body: JSON.stringify(payload),
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issue_comment',
        'x-github-delivery': 'forged-1',
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
    });
    expect(forged.status).toBe(401); // the inbox refuses a bad signature before anything is stored
    expect(value(await scrape())).toBe(1);
  });
});
