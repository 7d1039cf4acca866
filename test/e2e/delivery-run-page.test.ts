// (In the e2e project: it runs the app and a real repair, like the other journeys.)
// The run page of a real journey in real headless Chromium (Debian's, driven by playwright-core): the app runs as
// `npm start` against the GitHub double, the check run's details_url is opened while the repair runs, the log grows
// live over server-sent events, and the finished page shows the chart, the diff and the stop reason. A wrong or
// missing token gets 404. Screenshots go to tmp/artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { eventually, startAppProcess, type AppProcess } from './app-process.js';
import { commentPayload } from './payloads.js';

const JOURNEY_TIMEOUT = 600_000;
const artifacts = new URL('../../tmp/artifacts/', import.meta.url).pathname;

// Each test run sleeps, so the repair takes long enough to be watched (baseline, fixer, proof runs).
const SHAPES_BROKEN = 'def area(r):\n    return math.pi * r * r\n';
const TESTS = [
  'import time',
  '',
  'from shapes import area',
  '',
  '',
  'def test_area():',
  '    time.sleep(3)',
  '    assert round(area(1), 2) == 3.14',
  '',
  '',
  'def test_area_two():',
  '    assert round(area(2), 2) == 12.57',
  '',
].join('\n');

describe('the run page in headless Chromium', () => {
  let double: GitHubDouble;
  let app: AppProcess;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    double = await startGitHubDouble();
    app = await startAppProcess(double, {
      MIMO_PUBLIC_URL: 'https://mimo.example',
      MIMO_RUNS_SECRET: 'browser-test',
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await double?.close();
  });

  it(
    'shows the live log growing while the job runs, then the chart, the diff and the stop reason',
    async () => {
      const repo = double.state.createRepo('octo/watched', {
        'shapes.py': `import math\n\n\n${SHAPES_BROKEN}`,
        'tests/test_shapes.py': TESTS,
      });
      repo.permissions.set('maintainer', 'write');
      const pull = double.state.openPullRequest(repo, {
        branch: 'tidy',
        files: { 'shapes.py': SHAPES_BROKEN },
        title: 'Tidy <imports>',
      });
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const check = await eventually('the check run with its details_url', () =>
        repo.checkRuns.find((c) => c.detailsUrl),
      );
      const path = new URL(check.detailsUrl!).pathname;
      expect(path).toMatch(/^\/runs\/[^/]+\/[A-Za-z0-9_-]{43}$/);

      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const response = await page.goto(app.url + path);
      expect(response?.status()).toBe(200);
      expect(await page.locator('#state').textContent()).toBe('running');
      // Page-side code is given as text: it runs in Chromium, not in Node.
      await page.evaluate('window.notReloaded = true');
      const first = await page.locator('#log li').count();
      // New lines arrive over the event stream, without a reload.
      await page.waitForFunction(
        `document.querySelectorAll('#log li').length > ${first} && window.notReloaded === true`,
        undefined,
        { timeout: 240_000 },
      );
      const grown = await page.locator('#log li').count();
      expect(grown).toBeGreaterThan(first);
      await page.screenshot({ path: join(artifacts, 'run-page-live.png'), fullPage: true });

      // At the end the page reloads into the finished run.
      await page.waitForSelector('#state.state-done', { timeout: 300_000 });
      expect(await page.locator('#stop').textContent()).toMatch(/^green — /);
      expect(await page.locator('#chart svg rect').count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator('#chart svg rect.bad').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#chart svg rect.ok').count()).toBeGreaterThanOrEqual(1);
      expect(await page.locator('#diff').textContent()).toContain('+import math');
      expect(await page.locator('#outcome').textContent()).toMatch(/fix pull request #\d+/);
      expect(await page.locator('.subtitle').textContent()).toBe('Tidy <imports>');
      expect(await page.locator('#log li').count()).toBeGreaterThanOrEqual(grown);
      const html = await page.content();
      expect(html).not.toMatch(/ghs_[A-Za-z0-9]{16,}/);
      expect(html).not.toContain(double.webhookSecret);
      await page.screenshot({ path: join(artifacts, 'run-page.png'), fullPage: true });

      // The fix PR links the same page.
      const fix = repo.pulls.find((p) => p.number !== pull.number);
      expect(fix?.body).toContain(`[Watch this run](${check.detailsUrl})`);

      // A wrong or missing token: 404, nothing of the run.
      for (const bad of [path.replace(/[A-Za-z0-9_-]{43}$/, 'A'.repeat(43)), path.replace(/\/[^/]+$/, '')]) {
        const denied = await page.goto(app.url + bad);
        expect(denied?.status()).toBe(404);
        expect(await page.content()).not.toContain('octo/watched');
      }
      await page.close();
    },
    JOURNEY_TIMEOUT,
  );
});
