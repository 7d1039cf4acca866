// Failure paths a maintainer must see explained, never as a green check: the model's key rejected (401 from a
// real OpenAI-compatible wire format), the sandbox engine unreachable, and the push of the fix refused.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGitHubDouble, type GitHubDouble } from './github-double/index.js';
import { eventually, startAppProcess, type AppProcess, concludedCheck, outcome } from './app-process.js';
import { commentPayload } from './payloads.js';

/** A journey runs real containers and git: minutes on a loaded 2-core machine, never forever. */
const JOURNEY_TIMEOUT = 600_000;

const LOGIC_BUG = 'def discount(price):\n    return price * 0.8 if price > 100 else price\n';
const LOGIC_TESTS =
  'from shop import discount\n\n\ndef test_discount_at_threshold():\n    assert discount(100) == 80\n';
const MISSING_IMPORT = 'def area(r):\n    return math.pi * r * r\n';
const AREA_TESTS = 'from shapes import area\n\n\ndef test_area():\n    assert round(area(1), 2) == 3.14\n';

describe('failure paths', () => {
  let double: GitHubDouble;
  let app: AppProcess | undefined;
  let provider: Server | undefined;
  beforeAll(async () => {
    double = await startGitHubDouble();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    provider?.close();
    expect(double.violations).toEqual([]);
  });
  afterAll(async () => {
    await double?.close();
  });

  function pr(name: string, files: Record<string, string>, change: Record<string, string>) {
    const repo = double.state.createRepo(name, files);
    repo.permissions.set('maintainer', 'write');
    const pull = double.state.openPullRequest(repo, { branch: 'change', files: change, title: 'Change' });
    return { repo, pull };
  }

  it(
    'a rejected model key concludes the check run as a failure that says so, and opens no PR',
    async () => {
      let calls = 0;
      provider = createServer((req, res) => {
        calls++;
        req.resume();
        res.writeHead(401, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            error: {
              message: 'Incorrect API key provided: sk-wrong.',
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          }),
        );
      });
      await new Promise<void>((resolve) => provider!.listen(0, '127.0.0.1', resolve));
      const port = (provider.address() as AddressInfo).port;
      app = await startAppProcess(double, {
        MIMO_MODEL: `openai-compatible:http://127.0.0.1:${port}/v1#coder`,
        MIMO_OPENAI_COMPATIBLE_API_KEY: 'sk-wrong',
      });
      const { repo, pull } = pr(
        'octo/model401',
        { 'shop.py': LOGIC_BUG.replace('>', '>='), 'tests/test_shop.py': LOGIC_TESTS },
        { 'shop.py': LOGIC_BUG },
      );
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^failure: /);
      expect(check.output.title).toMatch(
        /the API key for openai-compatible server http:\/\/127\.0\.0\.1:\d+\/v1 was rejected/,
      );
      expect(check.output.title).not.toContain('sk-wrong');
      expect(calls).toBe(1); // a 401 is not retried
      const comment = await eventually('the failure comment', () =>
        repo.comments.find((c) => /I could not repair/.test(c.body)),
      );
      expect(comment.body).not.toMatch(/at .*\.js:\d+|sk-wrong/); // no stack trace, no key
      expect(repo.pulls).toHaveLength(1);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'an unreachable sandbox engine concludes the check run as a failure that says how to fix it',
    async () => {
      app = await startAppProcess(double, { DOCKER_HOST: 'tcp://127.0.0.1:9' });
      const { repo, pull } = pr(
        'octo/noengine',
        { 'shapes.py': `import math\n\n\n${MISSING_IMPORT}`, 'tests/test_shapes.py': AREA_TESTS },
        { 'shapes.py': MISSING_IMPORT },
      );
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^failure: /);
      expect(check.output.summary).toMatch(/127\.0\.0\.1:9/);
      const comment = await eventually('the comment', () =>
        repo.comments.find((c) => /could not run the repair/.test(c.body)),
      );
      expect(comment.body).toMatch(/Docker/i);
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'a refused push delivers the fix as a patch comment and a neutral check run, never a green one',
    async () => {
      app = await startAppProcess(double);
      const { repo, pull } = pr(
        'octo/nopush',
        { 'shapes.py': `import math\n\n\n${MISSING_IMPORT}`, 'tests/test_shapes.py': AREA_TESTS },
        { 'shapes.py': MISSING_IMPORT },
      );
      double.denyPush.add(repo.fullName);
      await double.deliver(
        app.webhookUrl,
        'issue_comment',
        commentPayload(double, repo, pull.number, '/mimo fix', 'maintainer'),
      );
      const check = await concludedCheck(repo);
      expect(outcome(check)).toMatch(/^neutral: /);
      expect(check.output.summary).toMatch(/Pushing the fix was refused/);
      const patch = await eventually('the patch comment', () =>
        repo.comments.find((c) => c.body.includes('```diff')),
      );
      expect(patch.body).toContain('+import math');
      expect(repo.pulls).toHaveLength(1);
    },
    JOURNEY_TIMEOUT,
  );
});
