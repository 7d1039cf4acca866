// Journeys with their own app process: issue → PR with a scripted run (MIMO_MODEL is operator configuration),
// and a hostile repository that must stay contained.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { startAppProcess, eventually, type AppProcess, concludedCheck, outcome } from './app-process.js';
import { commentPayload, labeledIssuePayload } from './payloads.js';

const MEAN = 'def mean(values):\n    return sum(values) / len(values)\n';
const MEAN_TESTS = 'from stats import mean\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n';

function sandboxContainers(pid: number): string {
  return execFileSync(
    'docker',
    ['ps', '-aq', '--filter', 'label=dev.mimo.sandbox', '--filter', `label=dev.mimo.pid=${pid}`],
    {
      encoding: 'utf8',
    },
  ).trim();
}

/** A journey runs real containers and git: minutes on a loaded 2-core machine, never forever. */
const JOURNEY_TIMEOUT = 600_000;

describe('more journeys against the GitHub double', () => {
  let double: GitHubDouble;
  let app: AppProcess | undefined;
  beforeAll(async () => {
    double = await startGitHubDouble();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    expect(double.violations).toEqual([]);
  });
  afterAll(async () => {
    await double?.close();
  }, JOURNEY_TIMEOUT);

  it(
    '3. an issue labelled for the app becomes a PR with a reproduction test and the fix (scripted run)',
    async () => {
      const script = join(mkdtempSync(join(tmpdir(), 'mimo-script-')), 'turns.jsonl');
      writeFileSync(
        script,
        [
          {
            text: 'Reproducing the issue first.',
            toolCalls: [
              {
                name: 'create_file',
                arguments: {
                  path: 'tests/test_issue_empty.py',
                  content:
                    'from stats import mean\n\n\ndef test_mean_of_empty_list_is_zero():\n    assert mean([]) == 0\n',
                },
              },
            ],
          },
          {
            toolCalls: [
              {
                name: 'edit',
                arguments: {
                  path: 'stats.py',
                  edits: [
                    {
                      search: '    return sum(values) / len(values)',
                      replace: '    if not values:\n        return 0\n    return sum(values) / len(values)',
                    },
                  ],
                },
              },
            ],
          },
          {
            toolCalls: [
              {
                name: 'finish',
                arguments: {
                  status: 'fixed',
                  summary: 'mean([]) returns 0',
                  rootCause: 'mean() divided by len([]) == 0',
                },
              },
            ],
          },
        ]
          .map((t) => JSON.stringify(t))
          .join('\n'),
      );
      // With a warm pool: the job takes the sandbox started ahead of it, and the app's stop removes the one
      // started to replace it.
      app = await startAppProcess(double, { MIMO_MODEL: `scripted:${script}`, MIMO_SANDBOX_POOL: '1' });
      const repo = double.state.createRepo('octo/issues', {
        'stats.py': MEAN,
        'tests/test_stats.py': MEAN_TESTS,
      });
      repo.permissions.set('maintainer', 'admin');
      const issue = {
        number: repo.nextNumber++,
        title: 'mean() of an empty list crashes',
        body: 'mean([]) raises ZeroDivisionError; it should return 0.',
      };
      repo.issues.push({ ...issue, user: 'reporter' });
      const delivery = await double.deliver(
        app.webhookUrl,
        'issues',
        labeledIssuePayload(double, repo, issue, 'mimo', 'maintainer'),
      );
      expect(delivery.status).toBe(202);

      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^success: /);
      const fix = await eventually('the fix PR', () => repo.pulls.find((p) => p.user === 'mimo-code[bot]'));
      expect(fix).toMatchObject({
        baseRef: 'main',
        headRef: expect.stringMatching(/^mimo\/fix-issue-\d+-[0-9a-f]{7}$/),
      });
      expect(fix.body).toContain(`Closes #${issue.number}`);
      expect(fix.body).toMatch(/reproduction test fails as expected/);
      expect(double.state.fileAt(repo, fix.headRef, 'tests/test_issue_empty.py')).toContain('mean([]) == 0');
      expect(double.state.fileAt(repo, fix.headRef, 'stats.py')).toContain('if not values:');
      expect(app.output()).toContain('sandbox opened warm');
      await eventually(
        'the replacement waiting in the pool',
        () => sandboxContainers(app!.child.pid!) || undefined,
      );
      const pid = app.child.pid!;
      await app.stop();
      expect(sandboxContainers(pid)).toBe('');
    },
    JOURNEY_TIMEOUT,
  );

  it(
    '5. a hostile repository (fork bomb, network probe) is contained: check run failure with the reason, no container left',
    async () => {
      app = await startAppProcess(double);
      const hostile = [
        'import os, socket, subprocess',
        '',
        'def test_fork_bomb():',
        '    children = []',
        '    try:',
        '        for _ in range(5000):',
        '            children.append(subprocess.Popen(["sleep", "30"]))',
        '    except (OSError, BlockingIOError) as error:',
        '        raise AssertionError(f"contained after {len(children)} processes: {error}")',
        '',
        'def test_network_probe():',
        '    socket.create_connection(("deb.debian.org", 80), timeout=5)',
        '',
      ].join('\n');
      const repo = double.state.createRepo('octo/hostile', { 'tests/test_hostile.py': hostile });
      const pull = double.state.openPullRequest(repo, {
        branch: 'evil',
        files: { 'README.md': 'hi\n' },
        title: 'Totally harmless',
      });
      repo.permissions.set('maintainer', 'write');
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^failure: /);
      expect(check.output.title).toMatch(/^Not fixed: /);
      expect(check.output.summary).toMatch(/test_fork_bomb|test_network_probe/);
      await eventually('the comment explaining what was tried', () =>
        repo.comments.find((c) => /I could not repair #\d+/.test(c.body)),
      );
      expect(repo.pulls).toHaveLength(1);
      expect(sandboxContainers(app.child.pid!)).toBe('');
    },
    JOURNEY_TIMEOUT,
  );
});
