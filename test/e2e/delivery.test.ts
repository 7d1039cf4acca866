// Delivery modes (`.github/mimo.yml` `delivery:`), each as a maintainer lives it against the GitHub double with every
// real part running: the app as `npm start`, git over HTTP, the Docker sandbox and the loop (deterministic fixers;
// no model). Every REST exchange, the review with suggestions included, is validated against GitHub's OpenAPI
// description (`double.violations` must stay empty).
import { startGitHubDouble, type GitHubDouble, type RepoState } from './github-double/index.js';
import { concludedCheck, eventually, outcome, startAppProcess, type AppProcess } from './app-process.js';
import { commentPayload } from './payloads.js';

const JOURNEY_TIMEOUT = 600_000;

const SHAPES_OK = 'import math\n\n\ndef area(r):\n    return math.pi * r * r\n';
const SHAPES_BROKEN = 'def area(r):\n    return math.pi * r * r\n';
/** What the deterministic missing-import fixer makes of the broken file. */
const SHAPES_FIXED = `import math\n\n\n${SHAPES_BROKEN}`;
const TESTS = 'from shapes import area\n\n\ndef test_area():\n    assert round(area(1), 2) == 3.14\n';

/** Applies a review's ```suggestion comments to a file as GitHub's "Commit suggestion" does. */
function applySuggestions(text: string, comments: RepoState['reviews'][number]['comments']): string {
  const lines = text.split('\n');
  for (const c of [...comments].sort((a, b) => b.line - a.line)) {
    const body = /^(`{3,})suggestion\n([\s\S]*?)\n?\1$/.exec(c.body);
    if (!body) throw new Error(`not a suggestion: ${c.body}`);
    const replacement = body[2] === '' ? [] : body[2]!.split('\n');
    const first = c.start_line ?? c.line;
    lines.splice(first - 1, c.line - first + 1, ...replacement);
  }
  return lines.join('\n');
}

describe('delivery modes against the GitHub double', () => {
  let double: GitHubDouble;
  let app: AppProcess;

  beforeAll(async () => {
    double = await startGitHubDouble();
    app = await startAppProcess(double, {
      MIMO_PUBLIC_URL: 'https://mimo.example',
      MIMO_RUNS_SECRET: 'delivery-journeys',
    });
  });
  afterAll(async () => {
    await app?.stop();
    await double?.close();
  });
  afterEach(() => {
    expect(double.violations).toEqual([]);
  });

  function samePr(
    name: string,
    delivery: string,
    files: Record<string, string> = { 'shapes.py': SHAPES_BROKEN },
  ) {
    const repo = double.state.createRepo(name, {
      '.github/mimo.yml': `delivery:\n${delivery}`,
      'shapes.py': SHAPES_OK,
      'tests/test_shapes.py': TESTS,
    });
    repo.permissions.set('maintainer', 'write');
    const pull = double.state.openPullRequest(repo, { branch: 'feature', files, title: 'Tidy imports' });
    return { repo, pull };
  }

  const fix = (repo: RepoState, number: number) =>
    double.deliver(
      app.webhookUrl,
      'issue_comment',
      commentPayload(double, repo, number, '/mimo fix', 'maintainer'),
    );

  it(
    'commit: the fix commit lands on the PR branch itself, no second PR; the check run links the run page',
    async () => {
      const { repo, pull } = samePr('octo/commit-mode', '  mode: commit\n');
      await fix(repo, pull.number);
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^success: .*\nPushed [0-9a-f]{7} to feature\./);
      const tip = double.state.branchSha(repo, 'feature');
      expect(tip).not.toBe(pull.headSha);
      expect(double.state.fileAt(repo, 'feature', 'shapes.py')).toBe(SHAPES_FIXED);
      expect(double.state.branches(repo).sort()).toEqual(['feature', 'main']);
      expect(repo.pulls).toHaveLength(1);
      expect(check.detailsUrl).toMatch(/^https:\/\/mimo\.example\/runs\/[^/]+\/[A-Za-z0-9_-]{43}$/);
      const told = await eventually('the comment', () =>
        repo.comments.find((c) => c.body.includes(`pushed the fix as ${tip!.slice(0, 7)} to \`feature\``)),
      );
      // No PR of ours carries the run page's link here: the comment does, the same link as the check run's.
      expect(told.body).toContain(`[Watch this run](${check.detailsUrl!})`);
      // The run page behind the check run's link answers on the app, and shows the outcome.
      const page = await fetch(app.url + new URL(check.detailsUrl!).pathname);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`pushed ${tip!.slice(0, 7)} to feature`);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'suggestions: a review of the head commit with one ```suggestion per hunk that, applied, is the fix; nothing pushed',
    async () => {
      const { repo, pull } = samePr('octo/suggest-mode', '  mode: suggestions\n  maxSuggestionLines: 10\n');
      await fix(repo, pull.number);
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^success: .*\nSuggested in a review: /);
      expect(repo.reviews).toHaveLength(1);
      const [review] = repo.reviews;
      expect(review).toMatchObject({ pull: pull.number, commitId: pull.headSha, event: 'COMMENT' });
      expect(review!.body).toContain('https://mimo.example/runs/');
      expect(review!.comments).toEqual([
        expect.objectContaining({
          path: 'shapes.py',
          side: 'RIGHT',
          body: expect.stringMatching(/^```suggestion\n/),
        }),
      ]);
      const head = double.state.fileAt(repo, pull.headSha, 'shapes.py')!;
      expect(applySuggestions(head, review!.comments)).toBe(SHAPES_FIXED);
      expect(double.state.branches(repo).sort()).toEqual(['feature', 'main']);
      expect(double.state.branchSha(repo, 'feature')).toBe(pull.headSha);
      expect(repo.pulls).toHaveLength(1);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    "suggestions for a fix outside the PR's diff fall back to a fix PR that says why",
    async () => {
      // The PR only adds a test; the bug it exposes is in shapes.py, which the PR does not touch.
      const repo = double.state.createRepo('octo/suggest-fallback', {
        '.github/mimo.yml': 'delivery:\n  mode: suggestions\n',
        'shapes.py': SHAPES_BROKEN,
        'README.md': 'Shapes.\n',
      });
      repo.permissions.set('maintainer', 'write');
      const pull = double.state.openPullRequest(repo, {
        branch: 'add-tests',
        files: { 'tests/test_shapes.py': TESTS },
        title: 'Test area',
      });
      await fix(repo, pull.number);
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(
        /^success: .*\nFix pull request: .*\n\nSuggestions were not possible \(shapes\.py line 1 is outside the pull request's diff/,
      );
      expect(repo.reviews).toEqual([]);
      const fixPr = repo.pulls.find((p) => p.number !== pull.number);
      expect(fixPr).toMatchObject({ baseRef: 'add-tests' });
      expect(fixPr!.body).toContain('[Watch this run](https://mimo.example/runs/');
    },
    JOURNEY_TIMEOUT,
  );

  it(
    "suggestions on a fork's PR: the review reaches the contributor, nothing is pushed to the fork or the base",
    async () => {
      const repo = double.state.createRepo('octo/fork-suggest', {
        '.github/mimo.yml': 'delivery:\n  mode: suggestions\n',
        'shapes.py': SHAPES_OK,
        'tests/test_shapes.py': TESTS,
      });
      repo.permissions.set('maintainer', 'write');
      const { pull, fork } = double.state.openForkPullRequest(repo, {
        forkOwner: 'contributor',
        branch: 'patch-1',
        files: { 'shapes.py': SHAPES_BROKEN },
        title: 'Tidy imports',
        maintainerCanModify: false,
      });
      await fix(repo, pull.number);
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^success: .*\nSuggested in a review: /);
      expect(repo.reviews).toHaveLength(1);
      const head = double.state.fileAt(fork, 'patch-1', 'shapes.py')!;
      expect(applySuggestions(head, repo.reviews[0]!.comments)).toBe(SHAPES_FIXED);
      expect(double.state.branchSha(fork, 'patch-1')).toBe(pull.headSha);
      expect(double.state.branches(repo)).toEqual(['main']);
      expect(repo.pulls).toHaveLength(1);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    "a repair of the app's own fix PR pushes onto it instead of opening a PR against a PR (even in pr mode)",
    async () => {
      const repo = double.state.createRepo('octo/own-fix', {
        'shapes.py': SHAPES_OK,
        'tests/test_shapes.py': TESTS,
      });
      repo.permissions.set('maintainer', 'write');
      const own = double.state.openPullRequest(repo, {
        branch: 'mimo/fix-7-0123abc',
        files: { 'shapes.py': SHAPES_BROKEN },
        title: 'mimo: fix failing tests of #7',
        user: 'mimo-code[bot]',
      });
      await fix(repo, own.number);
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^success: .*\nPushed [0-9a-f]{7} to mimo\/fix-7-0123abc\./);
      expect(double.state.fileAt(repo, 'mimo/fix-7-0123abc', 'shapes.py')).toBe(SHAPES_FIXED);
      expect(repo.pulls).toHaveLength(1);
      expect(double.state.branches(repo).sort()).toEqual(['main', 'mimo/fix-7-0123abc']);
    },
    JOURNEY_TIMEOUT,
  );
});
