// Fork pull requests: code derived from a fork never lands in the base repository (its branches run workflows with
// the base repository's secrets). The fix goes to the fork's PR branch when its author allows maintainer edits,
// and is otherwise posted as a patch.
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { concludedCheck, eventually, outcome, startAppProcess, type AppProcess } from './app-process.js';
import { commentPayload } from './payloads.js';

/** A journey runs real containers and git: minutes on a loaded 2-core machine, never forever. */
const JOURNEY_TIMEOUT = 600_000;

const BROKEN = 'def area(r):\n    return math.pi * r * r\n';
const TESTS = 'from shapes import area\n\n\ndef test_area():\n    assert round(area(1), 2) == 3.14\n';

describe('fork pull requests', () => {
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
  });

  function forkPr(name: string, maintainerCanModify: boolean) {
    const repo = double.state.createRepo(name, {
      'shapes.py': `import math\n\n\n${BROKEN}`,
      'tests/test_shapes.py': TESTS,
    });
    repo.permissions.set('maintainer', 'write');
    const { pull, fork } = double.state.openForkPullRequest(repo, {
      forkOwner: 'contributor',
      branch: 'patch-1',
      files: { 'shapes.py': BROKEN },
      title: 'Tidy imports',
      maintainerCanModify,
    });
    return { repo, pull, fork };
  }

  it(
    'without maintainer edits: the fix is posted as a patch, nothing is pushed anywhere',
    async () => {
      const { repo, pull, fork } = forkPr('octo/fork-closed', false);
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^neutral: .*\nThe fork does not allow edits from maintainers/);
      const patch = await eventually('the patch comment', () =>
        repo.comments.find((c) => c.body.includes('```diff')),
      );
      expect(patch.body).toContain('+import math');
      expect(double.state.branches(repo)).toEqual(['main']);
      expect(double.state.branchSha(fork, 'patch-1')).toBe(pull.headSha);
      expect(repo.pulls).toHaveLength(1);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    "with maintainer edits: the fix is pushed to the fork's PR branch, never to the base repository",
    async () => {
      const { repo, pull, fork } = forkPr('octo/fork-open', true);
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^success: /);
      const pushed = double.state.branchSha(fork, 'patch-1');
      expect(pushed).not.toBe(pull.headSha);
      expect(double.state.fileAt(fork, 'patch-1', 'shapes.py')).toMatch(/^import math/);
      expect(double.state.branches(repo)).toEqual(['main']);
      await eventually('the comment', () =>
        repo.comments.find((c) => c.body.includes(`pushed the fix as ${pushed!.slice(0, 7)}`)),
      );
      expect(repo.pulls).toHaveLength(1);
    },
    JOURNEY_TIMEOUT,
  );
});
