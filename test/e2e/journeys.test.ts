// The journeys a user lives through, with every real part running: the app's HTTP server (as `npm start`), the
// SQLite queue, git over HTTP, the Docker sandbox and the repair loop, against the GitHub double.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDockerSandbox } from '../../src/sandbox/index.js';
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { startAppProcess, eventually, type AppProcess, concludedCheck, outcome } from './app-process.js';
import { commentPayload, failedWorkflowRunPayload } from './payloads.js';

const STATS = `import statistics\n\n\ndef mean(values):\n    return statistics.fmean(values)\n\n\ndef spread(values):\n    m = mean(values)\n    return math.sqrt(sum((v - m) ** 2 for v in values) / len(values))\n`;
const STATS_OK = `import math\n${STATS}`;
const TESTS = `from stats import mean, spread\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n\n\ndef test_spread():\n    assert spread([2, 4, 4, 4, 5, 5, 7, 9]) == 2\n`;

/** A journey runs real containers and git: minutes on a loaded 2-core machine, never forever. */
const JOURNEY_TIMEOUT = 600_000;

describe('journeys against the GitHub double', () => {
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
  afterEach(() => {
    expect(double.violations).toEqual([]);
  }, JOURNEY_TIMEOUT);

  it(
    '4. a comment by a user without write access gets a polite refusal and starts no job',
    async () => {
      const repo = double.state.createRepo('octo/refusal', {
        'stats.py': STATS_OK,
        'tests/test_stats.py': TESTS,
      });
      const pull = double.state.openPullRequest(repo, {
        branch: 'feature',
        files: { 'stats.py': STATS },
        title: 'Refactor',
      });
      repo.permissions.set('drive-by', 'read');
      const delivery = await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'drive-by'),
      );
      expect(delivery.status).toBe(202);
      // Replies are sent right after the acknowledgement.
      await eventually('the refusal', () => repo.comments.length > 0);
      expect(repo.comments).toEqual([
        expect.objectContaining({
          issue: pull.number,
          body: expect.stringMatching(/Only people with write access/),
        }),
      ]);
      expect(repo.checkRuns).toEqual([]);
      expect(repo.reactions).toEqual([]);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    '1. /mimo fix on a PR with a failing Python test opens a fix PR with the log, concluded green, proven on a fresh clone',
    async () => {
      const repo = double.state.createRepo('octo/stats', {
        'stats.py': STATS_OK,
        'tests/test_stats.py': TESTS,
      });
      const pull = double.state.openPullRequest(repo, {
        branch: 'feature',
        files: { 'stats.py': STATS },
        title: 'Use statistics.fmean',
      });
      repo.permissions.set('maintainer', 'write');
      const delivery = await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      expect(delivery.status).toBe(202);
      await eventually('the 👀 reaction', () => repo.reactions.length > 0);
      expect(repo.reactions).toEqual([expect.objectContaining({ content: 'eyes' })]);

      const check = await concludedCheck(repo);
      expect(check).toMatchObject({ name: 'mimo fix', headSha: pull.headSha });
      expect(outcome(check)).toMatch(/^success: /);
      expect(check.updates).toBeGreaterThan(1);
      const fix = repo.pulls.find((p) => p.number !== pull.number);
      expect(fix).toMatchObject({
        baseRef: 'feature',
        headRef: `mimo/fix-${pull.number}-${pull.headSha.slice(0, 7)}`,
      });
      if (process.env.MIMO_TRY_IT) {
        // `npm run try`: show what a maintainer would read on GitHub.
        process.stderr.write(
          `\n===== check run "${check.name}": ${check.conclusion} — ${check.output.title}\n` +
            `===== fix PR #${fix!.number} (${fix!.headRef} → ${fix!.baseRef}): ${fix!.title}\n\n${fix!.body}\n=====\n`,
        );
      }
      expect(fix!.body).toMatch(/Proof of fix/);
      expect(fix!.body).toMatch(/\| Iteration \| Phase \|/);
      expect(fix!.body).toMatch(/```mermaid/);
      expect(fix!.body).toMatch(/Full iteration log/);
      await eventually('the comment linking the fix PR', () =>
        repo.comments.find((c) => c.body.includes(`/pull/${fix!.number}`)),
      );

      // The fix branch, cloned fresh, passes its tests in the sandbox.
      const fresh = mkdtempSync(join(tmpdir(), 'mimo-fresh-'));
      execFileSync('git', ['clone', '--quiet', '--branch', fix!.headRef, repo.bare, fresh]);
      execFileSync('rm', ['-rf', join(fresh, '.git')]);
      const changed = execFileSync('git', ['diff', '--name-only', pull.headSha, fix!.headSha], {
        cwd: repo.bare,
        encoding: 'utf8',
      });
      expect(changed.trim()).toBe('stats.py');
      const sandbox = await openDockerSandbox({ workspace: fresh });
      try {
        const run = await sandbox.exec('python -m pytest -q');
        expect(run.stdout).toMatch(/2 passed/);
        expect(run.exitCode).toBe(0);
      } finally {
        await sandbox.dispose();
      }
    },
    JOURNEY_TIMEOUT,
  );
  it(
    '2. a red workflow_run on a TypeScript PR is repaired automatically, seeded from the downloaded job log',
    async () => {
      const files = {
        '.github/mimo.yml': 'triggers:\n  ci:\n    enabled: true\n',
        '.github/workflows/ci.yml': [
          'name: ci',
          'on: [pull_request]',
          'jobs:',
          '  test:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          '      - uses: actions/checkout@v4',
          '      - uses: actions/setup-node@v4',
          '      - run: npm install --no-audit --no-fund',
          '      - name: Unit tests',
          '        run: npm test',
          '',
        ].join('\n'),
        'package.json': JSON.stringify(
          {
            name: 'prices',
            private: true,
            type: 'module',
            scripts: { test: 'tsc -p . && node --test dist/' },
            devDependencies: { typescript: '5.9.3', '@types/node': '^20' },
          },
          null,
          2,
        ),
        'tsconfig.json': JSON.stringify(
          {
            compilerOptions: {
              target: 'ES2022',
              module: 'NodeNext',
              outDir: 'dist',
              strict: true,
              types: ['node'],
            },
            include: ['src'],
          },
          null,
          2,
        ),
        'src/money.ts':
          'export function formatCents(cents: number): string {\n  return `$${(cents / 100).toFixed(2)}`;\n}\n',
        'src/total.ts':
          "import { formatCents } from './money.js';\n\nexport function total(items: number[]): string {\n  return formatCents(items.reduce((a, b) => a + b, 0));\n}\n",
        'src/total.test.ts':
          "import { strictEqual } from 'node:assert';\nimport { test } from 'node:test';\nimport { total } from './total.js';\n\ntest('total formats cents', () => {\n  strictEqual(total([150, 250]), '$4.00');\n});\n",
      };
      const repo = double.state.createRepo('octo/prices', files);
      const broken =
        'export function total(items: number[]): string {\n  return formatCents(items.reduce((a, b) => a + b, 0));\n}\n';
      const pull = double.state.openPullRequest(repo, {
        branch: 'inline',
        files: { 'src/total.ts': broken },
        title: 'Simplify total',
      });
      const ciLog = [
        '2026-11-26T10:00:01.0000000Z > prices@ test',
        '2026-11-26T10:00:01.1000000Z > tsc -p . && node --test dist/',
        "2026-11-26T10:00:03.2000000Z src/total.ts(2,10): error TS2304: Cannot find name 'formatCents'.",
        '2026-11-26T10:00:03.3000000Z ##[error]Process completed with exit code 2.',
      ].join('\n');
      const runId = double.state.nextId();
      repo.workflowRuns.push({
        id: runId,
        path: '.github/workflows/ci.yml',
        headSha: pull.headSha,
        headBranch: pull.headRef,
        conclusion: 'failure',
        jobs: [{ id: double.state.nextId(), name: 'test', conclusion: 'failure', log: ciLog }],
      });
      const delivery = await double.deliver(
        app.webhookUrl,
        'workflow_run',
        failedWorkflowRunPayload(double, repo, pull, runId),
      );
      expect(delivery.status).toBe(202);

      // npm install of typescript through the egress proxy, then tsc per test run: past 240 s on a loaded machine.
      const check = await concludedCheck(repo, 480_000);
      expect(check.headSha).toBe(pull.headSha);
      expect(outcome(check)).toMatch(/^success: /);
      const fix = await eventually('the fix PR', () => repo.pulls.find((p) => p.user === 'mimo-code[bot]'));
      expect(fix.baseRef).toBe('inline');
      expect(fix.body).toMatch(/CI job \\"test\\" failed: 1 failing test\(s\) parsed from its log \(tsc\)/);
      expect(fix.body).toMatch(/setup `npm install --no-audit --no-fund` exited 0/);
      expect(double.state.fileAt(repo, fix.headRef, 'src/total.ts')).toMatch(
        /^import \{ formatCents \} from '\.\/money\.js';/,
      );
      const changed = execFileSync('git', ['diff', '--name-only', pull.headSha, fix.headRef], {
        cwd: repo.bare,
        encoding: 'utf8',
      });
      expect(changed.trim()).toBe('src/total.ts'); // node_modules and dist/ written by the run stay out of the commit
    },
    JOURNEY_TIMEOUT,
  );
});
