import nock from 'nock';
import { openQueue, type Queue } from '../../src/jobs/index.js';
import type { RepairRequest } from '../../src/app/request.js';
import {
  API,
  REPO,
  apiExample,
  configFile,
  mockInstallationToken,
  permission,
  testProbot,
  webhookPayload,
} from './github-fixtures.js';

const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

function prComment(body: string, login = 'Codertocat', type = 'User') {
  const payload = webhookPayload('issue_comment', (e) => e.action === 'created');
  payload.comment.body = body;
  payload.sender = { ...payload.sender, login, type };
  payload.issue.number = 2;
  payload.issue.pull_request = { url: `${API}${REPO}/pulls/2` };
  return payload;
}

function pullRequest(overrides: Record<string, unknown> = {}) {
  const pr = apiExample('pull-request');
  pr.number = 2;
  pr.head.sha = HEAD;
  pr.head.ref = 'changes';
  pr.head.repo.full_name = 'Codertocat/Hello-World';
  pr.base.repo.full_name = 'Codertocat/Hello-World';
  return Object.assign(pr, overrides);
}

function checksFor(conclusions: (string | null)[]) {
  const body = apiExample('check-run-paginated');
  const template = body.check_runs[0];
  body.check_runs = conclusions.map((conclusion, i) => ({
    ...template,
    id: i + 1,
    name: `test-${i}`,
    status: conclusion ? 'completed' : 'in_progress',
    conclusion,
  }));
  body.total_count = conclusions.length;
  return body;
}

function combinedStatus() {
  return { ...apiExample('combined-commit-status'), state: 'success', statuses: [] };
}

describe('issue_comment: /mimo commands', () => {
  let queue: Queue<RepairRequest>;
  let comments: string[];

  beforeEach(async () => {
    nock.disableNetConnect();
    queue = await openQueue<RepairRequest>({ sqlitePath: ':memory:' });
    comments = [];
  });
  afterEach(async () => {
    expect(nock.pendingMocks()).toEqual([]);
    nock.cleanAll();
    await queue.close();
  });

  function github(options: { config?: string; level?: 'admin' | 'write' | 'read' } = {}) {
    const scope = nock(API);
    mockInstallationToken(scope);
    if (options.config === undefined)
      scope.get(`${REPO}/contents/.github%2Fmimo.yml`).reply(404, { message: 'Not Found' });
    else scope.get(`${REPO}/contents/.github%2Fmimo.yml`).reply(200, configFile(options.config));
    return scope;
  }
  const allowed = (scope: nock.Scope, level: 'admin' | 'write' | 'read' = 'write') =>
    scope.get(`${REPO}/collaborators/Codertocat/permission`).reply(200, permission(level));
  const reaction = (scope: nock.Scope) =>
    scope
      .post(`${REPO}/issues/comments/492700400/reactions`, (body) => body.content === 'eyes')
      .reply(201, apiExample('reaction'));
  const captureComments = (scope: nock.Scope) =>
    scope
      .post(`${REPO}/issues/2/comments`, (body) => {
        comments.push(body.body);
        return true;
      })
      .reply(201, apiExample('issue-comment'));

  it('enqueues one repair of the PR head for a maintainer when CI is red', async () => {
    const scope = github();
    allowed(scope);
    reaction(scope);
    scope.get(`${REPO}/pulls/2`).reply(200, pullRequest());
    scope
      .get(`${REPO}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checksFor(['success', 'failure']));
    scope.get(`${REPO}/commits/${HEAD}/status`).reply(200, combinedStatus());
    await testProbot(queue).receive({
      id: 'delivery-1',
      name: 'issue_comment',
      payload: prComment('/mimo fix the rounding in mean()') as never,
    });
    const jobs = await queue.list();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.key).toBe(`Codertocat/Hello-World#2@${HEAD}:manual`);
    expect(jobs[0]!.group).toBe('Codertocat/Hello-World');
    expect(jobs[0]!.payload).toMatchObject({
      mode: 'repair',
      trigger: 'comment',
      installationId: 1,
      instructions: 'the rounding in mean()',
      requestedBy: 'Codertocat',
      pr: { number: 2, headSha: HEAD, headRef: 'changes', isFork: false },
    });
  });

  it('makes one job from a duplicate delivery and says a repair is already running', async () => {
    const probot = testProbot(queue);
    for (let i = 0; i < 2; i++) {
      const scope = github();
      allowed(scope);
      reaction(scope);
      scope.get(`${REPO}/pulls/2`).reply(200, pullRequest());
      scope
        .get(`${REPO}/commits/${HEAD}/check-runs`)
        .query(true)
        .reply(200, checksFor(['failure']));
      scope.get(`${REPO}/commits/${HEAD}/status`).reply(200, combinedStatus());
      if (i === 1) captureComments(scope);
      await probot.receive({
        id: 'same-delivery',
        name: 'issue_comment',
        payload: prComment('/mimo fix') as never,
      });
    }
    expect(await queue.list()).toHaveLength(1);
    expect(comments[0]).toMatch(/already queued or running/);
  });

  it('politely refuses a user without write access and starts nothing', async () => {
    const scope = github();
    allowed(scope, 'read');
    captureComments(scope);
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo fix') as never,
    });
    expect(await queue.list()).toEqual([]);
    expect(comments).toEqual([
      expect.stringMatching(/Only people with write access.*can run `\/mimo` commands/),
    ]);
  });

  it('ignores its own comments without a single request', async () => {
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo fix', 'mimo-code[bot]', 'Bot') as never,
    });
    expect(await queue.list()).toEqual([]);
  });

  it('ignores other bots unless allow-listed', async () => {
    github();
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo fix', 'renovate[bot]', 'Bot') as never,
    });
    expect(await queue.list()).toEqual([]);
  });

  it('ignores a quoted command', async () => {
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('> /mimo fix\n\nthanks') as never,
    });
    expect(await queue.list()).toEqual([]);
  });

  it('answers a bad config with a comment naming the field', async () => {
    const scope = github({ config: 'limits:\n  iterations: 0\n' });
    captureComments(scope);
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo fix') as never,
    });
    expect(comments[0]).toMatch(/configuration is invalid/);
    expect(comments[0]).toMatch(/limits\.iterations: Too small.*\(found number 0\)/);
    expect(await queue.list()).toEqual([]);
  });

  it('says so when nothing is red', async () => {
    const scope = github();
    allowed(scope);
    reaction(scope);
    captureComments(scope);
    scope.get(`${REPO}/pulls/2`).reply(200, pullRequest());
    scope
      .get(`${REPO}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checksFor(['success', 'success']));
    scope.get(`${REPO}/commits/${HEAD}/status`).reply(200, combinedStatus());
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo fix') as never,
    });
    expect(comments[0]).toMatch(/Nothing is red on `ec26c3e`/);
    expect(await queue.list()).toEqual([]);
  });

  it('refuses past the attempt cap', async () => {
    await queue.enqueue({
      key: 'earlier',
      group: 'Codertocat/Hello-World',
      scope: 'Codertocat/Hello-World#2',
      version: 'old',
      payload: {} as RepairRequest,
    });
    const scope = github({ config: 'triggers:\n  maxAttemptsPerPr: 1\n' });
    allowed(scope);
    reaction(scope);
    captureComments(scope);
    scope.get(`${REPO}/pulls/2`).reply(200, pullRequest());
    scope
      .get(`${REPO}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checksFor(['failure']));
    scope.get(`${REPO}/commits/${HEAD}/status`).reply(200, combinedStatus());
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo fix') as never,
    });
    expect(comments[0]).toMatch(/already made 1 repair attempts.*maxAttemptsPerPr: 1/);
    expect(await queue.list()).toHaveLength(1);
  });

  it('makes no second job for a commit whose repair already finished', async () => {
    const worker = queue.process(async () => undefined, { concurrency: 1 });
    const { id } = await queue.enqueue({
      key: `Codertocat/Hello-World#2@${HEAD}:manual`,
      group: 'Codertocat/Hello-World',
      scope: 'Codertocat/Hello-World#2',
      version: HEAD,
      payload: {} as RepairRequest,
    });
    for (let i = 0; i < 100 && (await queue.get(id))?.state !== 'done'; i++)
      await new Promise((r) => setTimeout(r, 20));
    await worker.close();
    expect((await queue.get(id))?.state).toBe('done');
    const scope = github();
    allowed(scope);
    reaction(scope);
    captureComments(scope);
    scope.get(`${REPO}/pulls/2`).reply(200, pullRequest());
    scope
      .get(`${REPO}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checksFor(['failure']));
    scope.get(`${REPO}/commits/${HEAD}/status`).reply(200, combinedStatus());
    await testProbot(queue).receive({
      id: 'late-duplicate',
      name: 'issue_comment',
      payload: prComment('/mimo fix') as never,
    });
    expect(comments[0]).toMatch(/this exact commit was already repaired/);
    expect(await queue.list()).toHaveLength(1);
  });

  it('repairs its own fix PR at most once', async () => {
    const fixRef = 'mimo/fix-2-ec26c3e';
    await queue.enqueue({
      key: 'first-try',
      group: 'Codertocat/Hello-World',
      scope: 'Codertocat/Hello-World#2',
      payload: {} as RepairRequest,
    });
    const scope = github();
    allowed(scope);
    reaction(scope);
    captureComments(scope);
    const pr = pullRequest();
    pr.head.ref = fixRef;
    scope.get(`${REPO}/pulls/2`).reply(200, pr);
    scope
      .get(`${REPO}/commits/${HEAD}/check-runs`)
      .query(true)
      .reply(200, checksFor(['failure']));
    scope.get(`${REPO}/commits/${HEAD}/status`).reply(200, combinedStatus());
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo fix') as never,
    });
    expect(comments[0]).toMatch(/one of my own fixes and I have already tried to repair it once/);
  });

  it('answers /mimo help and unknown commands with the command table', async () => {
    const scope = github();
    allowed(scope);
    reaction(scope);
    captureComments(scope);
    await testProbot(queue).receive({
      id: 'd',
      name: 'issue_comment',
      payload: prComment('/mimo frobnicate') as never,
    });
    expect(comments[0]).toMatch(/I don't know the command `frobnicate`/);
    expect(comments[0]).toContain('| `/mimo fix [instructions]` |');
  });

  it('stops the running repair of the PR on /mimo stop and reports it in /mimo status', async () => {
    const { id } = await queue.enqueue({
      key: 'k',
      group: 'Codertocat/Hello-World',
      scope: 'Codertocat/Hello-World#2',
      payload: { trigger: 'comment', pr: { headSha: HEAD } } as RepairRequest,
    });
    const probot = testProbot(queue);
    let scope = github();
    allowed(scope);
    reaction(scope);
    captureComments(scope);
    await probot.receive({ id: 'd1', name: 'issue_comment', payload: prComment('/mimo stop') as never });
    expect(comments[0]).toBe('Stopped 1 repair job(s); the log so far is kept.');
    expect((await queue.get(id))?.state).toBe('cancelled');

    scope = github();
    allowed(scope);
    reaction(scope);
    captureComments(scope);
    await probot.receive({ id: 'd2', name: 'issue_comment', payload: prComment('/mimo status') as never });
    expect(comments[1]).toMatch(/\| cancelled \| comment \| `ec26c3e` \|.*stopped by @Codertocat/);
  });
});
