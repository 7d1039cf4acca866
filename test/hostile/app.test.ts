// Hostile repository through the real app path (the app's HTTP server as `npm start`, the SQLite queue, git over
// HTTP, the Docker sandbox, the GitHub double): a line the PR's test run appends to the module under test must
// never be committed beside the recorded edit, whose diff shows that line as unchanged context.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubDouble, type GitHubDouble } from '../e2e/github-double/index.js';
import { startAppProcess, eventually, type AppProcess, concludedCheck, outcome } from '../e2e/app-process.js';
import { commentPayload } from '../e2e/payloads.js';
import { CALC, FINISH, FIX_ADD, withImage } from './helpers.js';

const TIMEOUT = 600_000;
const RIDER = 'RIDER = "planted by the test run"  # unrecorded: not in any edit\n';

describe('hostile repository through the app: unrecorded content rides along', () => {
  let double: GitHubDouble;
  let app: AppProcess;

  beforeAll(async () => {
    double = await startGitHubDouble();
    const dir = mkdtempSync(join(tmpdir(), 'mimo-hostile-app-'));
    const turns = join(dir, 'turns.jsonl');
    writeFileSync(turns, `${JSON.stringify({ toolCalls: [FIX_ADD, FINISH] })}\n`);
    app = await startAppProcess(double, { MIMO_MODEL: `scripted:${turns}` });
  }, TIMEOUT);
  afterAll(async () => {
    await app?.stop();
    await double?.close();
  });

  it(
    'commits nothing when the test run changed the edited file, and says why on the PR',
    async () => {
      const fixed = { ...CALC, 'calc/core.py': 'def add(a, b):\n    return a + b\n' };
      const repo = double.state.createRepo('octo/rider', withImage(fixed));
      const pull = double.state.openPullRequest(repo, {
        branch: 'feature',
        files: {
          'calc/core.py': CALC['calc/core.py']!,
          'tests/conftest.py':
            'import pathlib\n\n_core = pathlib.Path(__file__).parent.parent / "calc" / "core.py"\n' +
            `if "planted" not in _core.read_text():\n    with _core.open("a") as f:\n        f.write(${JSON.stringify(RIDER)})\n`,
        },
        title: 'Refactor add',
      });
      repo.permissions.set('maintainer', 'write');
      const delivery = await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      expect(delivery.status).toBe(200);
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^failure: /);
      await eventually('the comment saying why', () =>
        repo.comments.find((c) => /could not run the repair/.test(c.body)),
      );
      const said = repo.comments.find((c) => /could not run the repair/.test(c.body))!;
      expect(said.body).toMatch(
        /calc\/core\.py: (its content is not what the edit was made on|the recorded edit was made on content that is not the commit's)/,
      );
      // No fix PR, and no branch carrying the rider.
      expect(repo.pulls.filter((p) => p.number !== pull.number)).toEqual([]);
      expect(double.violations).toEqual([]);
    },
    TIMEOUT,
  );
});
