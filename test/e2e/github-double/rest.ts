// REST endpoints of the double: the operations the app calls, answered from DoubleState with bodies built from
// GitHub's documented examples, and every exchange validated against GitHub's OpenAPI schemas.
import type { DoubleState, RepoState } from './state.js';
import { example } from './openapi.js';
import { reviewRoutes } from './rest-reviews.js';

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  token: string | null;
  baseUrl: string;
  gitUrl: string;
}
export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  text?: string;
}
type Handler = (req: RestRequest, m: string[], repo: RepoState) => RestResponse;

const notFound: RestResponse = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function repoJson(state: DoubleState, repo: RepoState, req: RestRequest): Json {
  const r = example('pull-request').base.repo;
  return Object.assign(r, {
    name: repo.name,
    full_name: repo.fullName,
    owner: { ...r.owner, login: repo.owner },
    clone_url: `${req.gitUrl}/${repo.fullName}.git`,
    default_branch: repo.defaultBranch,
  });
}

export function pullJson(
  state: DoubleState,
  repo: RepoState,
  req: RestRequest,
  n: number,
  simple = false,
): Json {
  const p = repo.pulls.find((x) => x.number === n)!;
  const pr = example(simple ? 'pull-request-simple' : 'pull-request');
  const headRepo = state.repos.get(p.headRepo) ?? repo;
  Object.assign(pr, {
    number: p.number,
    title: p.title,
    body: p.body,
    state: p.state,
    html_url: `${req.baseUrl}/${repo.fullName}/pull/${p.number}`,
  });
  pr.user.login = p.user;
  pr.head = {
    ...pr.head,
    ref: p.headRef,
    sha: p.headSha,
    label: `${headRepo.owner}:${p.headRef}`,
    repo: repoJson(state, headRepo, req),
  };
  pr.base = { ...pr.base, ref: p.baseRef, repo: repoJson(state, repo, req) };
  // The documented example's team lacks `type`, which the schema requires; GitHub sends none for these PRs anyway.
  Object.assign(pr, { requested_teams: [], requested_reviewers: [] });
  if (!simple) pr.maintainer_can_modify = p.maintainerCanModify;
  return pr;
}

function checkRunJson(run: RepoState['checkRuns'][number]): Json {
  const c = example('check-run');
  Object.assign(c, {
    id: run.id,
    name: run.name,
    head_sha: run.headSha,
    status: run.status,
    conclusion: run.conclusion,
  });
  c.output = {
    ...c.output,
    title: run.output.title ?? null,
    summary: run.output.summary ?? null,
    text: run.output.text ?? null,
  };
  c.app.slug = run.appSlug;
  c.pull_requests = [];
  return c;
}

function comment(repo: RepoState, issue: number, user: string, body: string, state: DoubleState): Json {
  const c = { id: state.nextId(), issue, user, body };
  repo.comments.push(c);
  const json = example('issue-comment');
  return Object.assign(json, {
    id: c.id,
    body,
    html_url: `https://github.example/${repo.fullName}/issues/${issue}#issuecomment-${c.id}`,
  });
}

/** The REST side of one double: a function from request to response over its state. */
export function createRest(state: DoubleState): (req: RestRequest) => RestResponse {
  const ROUTES: [string, RegExp, Handler][] = [];
  const route = (method: string, pattern: string, handler: Handler) =>
    ROUTES.push([method, new RegExp(`^/repos/([^/]+)/([^/]+)${pattern}$`), handler]);
  route('GET', '/contents/(.+)', (req, m, repo) => {
    const ref = req.query.get('ref') ?? repo.defaultBranch;
    const content = state.fileAt(repo, ref, decodeURIComponent(m[3]!));
    if (content === null) return notFound;
    const file = example('content-file-response-if-content-is-a-file');
    return {
      status: 200,
      body: Object.assign(file, {
        path: m[3],
        name: m[3]!.split('/').pop(),
        content: Buffer.from(content).toString('base64'),
        encoding: 'base64',
        size: content.length,
      }),
    };
  });
  route('GET', '/collaborators/([^/]+)/permission', (_req, m, repo) => {
    const level = repo.permissions.get(m[3]!) ?? 'read';
    const body = example('repository-collaborator-permission-response-if-user-has-admin-permissions');
    return {
      status: 200,
      body: Object.assign(body, {
        permission: level,
        role_name: level,
        user: { ...body.user, login: m[3], role_name: level },
      }),
    };
  });
  route('POST', '/issues/comments/(\\d+)/reactions', (req, m, repo) => {
    repo.reactions.push({ commentId: Number(m[3]), content: (req.body as Json).content });
    return { status: 201, body: example('reaction') };
  });
  route('POST', '/issues/(\\d+)/comments', (req, m, repo) => ({
    status: 201,
    body: comment(repo, Number(m[3]), 'mimo-code[bot]', (req.body as Json).body, state),
  }));
  route('GET', '/pulls/(\\d+)', (req, m, repo) =>
    repo.pulls.some((p) => p.number === Number(m[3]))
      ? { status: 200, body: pullJson(state, repo, req, Number(m[3])) }
      : notFound,
  );
  route('GET', '/pulls', (req, _m, repo) => ({
    status: 200,
    body: repo.pulls
      .filter(
        (p) => (req.query.get('state') ?? 'open') === 'all' || p.state === (req.query.get('state') ?? 'open'),
      )
      .map((p) => pullJson(state, repo, req, p.number, true)),
  }));
  route('POST', '/pulls', (req, _m, repo) => {
    const b = req.body as Json;
    const sha = state.branchSha(repo, b.head);
    if (!sha)
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
          documentation_url: '',
        },
      };
    const number = repo.nextNumber++;
    repo.pulls.push({
      number,
      title: b.title,
      body: b.body ?? '',
      state: 'open',
      user: 'mimo-code[bot]',
      headRepo: repo.fullName,
      headRef: b.head,
      headSha: sha,
      baseRef: b.base,
      maintainerCanModify: true,
    });
    return { status: 201, body: pullJson(state, repo, req, number) };
  });
  route('GET', '/commits/([^/]+)/check-runs', (_req, m, repo) => {
    const runs = repo.checkRuns.filter((r) => r.headSha === m[3]).map(checkRunJson);
    return { status: 200, body: { total_count: runs.length, check_runs: runs } };
  });
  route('GET', '/commits/([^/]+)/status', (_req, m) => {
    const body = example('combined-commit-status');
    return {
      status: 200,
      body: Object.assign(body, { state: 'success', sha: m[3], statuses: [], total_count: 0 }),
    };
  });
  route('POST', '/check-runs', (req, _m, repo) => {
    const b = req.body as Json;
    const run = {
      id: state.nextId(),
      name: b.name,
      headSha: b.head_sha,
      status: b.status ?? 'queued',
      conclusion: b.conclusion ?? null,
      output: b.output ?? {},
      ...(b.details_url ? { detailsUrl: b.details_url } : {}),
      updates: 0,
      appSlug: 'mimo-code',
    };
    repo.checkRuns.push(run);
    return { status: 201, body: checkRunJson(run) };
  });
  route('PATCH', '/check-runs/(\\d+)', (req, m, repo) => {
    const run = repo.checkRuns.find((r) => r.id === Number(m[3]));
    if (!run) return notFound;
    const b = req.body as Json;
    Object.assign(run, {
      status: b.status ?? run.status,
      conclusion: b.conclusion ?? run.conclusion,
      output: b.output ?? run.output,
      updates: run.updates + 1,
    });
    return { status: 200, body: checkRunJson(run) };
  });
  route('GET', '/branches/([^/]+)', (_req, m, repo) => {
    const sha = state.branchSha(repo, decodeURIComponent(m[3]!));
    if (!sha) return notFound;
    const body = example('branch-get');
    body.name = m[3];
    body.commit.sha = sha;
    return { status: 200, body };
  });
  route('GET', '/actions/runs/(\\d+)', (_req, m, repo) => {
    const run = repo.workflowRuns.find((r) => r.id === Number(m[3]));
    if (!run) return notFound;
    const body = example('workflow-run');
    return {
      status: 200,
      body: Object.assign(body, {
        id: run.id,
        path: run.path,
        head_sha: run.headSha,
        head_branch: run.headBranch,
        conclusion: run.conclusion,
        status: 'completed',
      }),
    };
  });
  route('GET', '/actions/runs/(\\d+)/jobs', (_req, m, repo) => {
    const run = repo.workflowRuns.find((r) => r.id === Number(m[3]));
    if (!run) return notFound;
    const template = example('job');
    const jobs = run.jobs.map((j) => ({
      ...template,
      id: j.id,
      run_id: run.id,
      name: j.name,
      conclusion: j.conclusion,
      status: 'completed',
      head_sha: run.headSha,
      created_at: template.created_at ?? template.started_at,
    }));
    return { status: 200, body: { total_count: jobs.length, jobs } };
  });
  route('GET', '/actions/jobs/(\\d+)/logs', (req, m, repo) => {
    const job = repo.workflowRuns.flatMap((r) => r.jobs).find((j) => j.id === Number(m[3]));
    return job
      ? { status: 302, headers: { location: `${req.baseUrl}/_logs/${repo.fullName}/${job.id}` } }
      : notFound;
  });
  reviewRoutes(state, route);
  return (req) => handleRest(state, ROUTES, req);
}

function handleRest(state: DoubleState, ROUTES: [string, RegExp, Handler][], req: RestRequest): RestResponse {
  const logs = /^\/_logs\/([^/]+\/[^/]+)\/(\d+)$/.exec(req.path);
  if (logs) {
    const job = state.repos
      .get(logs[1]!)
      ?.workflowRuns.flatMap((r) => r.jobs)
      .find((j) => j.id === Number(logs[2]));
    return job ? { status: 200, text: job.log } : notFound;
  }
  for (const [method, pattern, handler] of ROUTES) {
    const m = method === req.method ? pattern.exec(req.path) : null;
    if (!m) continue;
    const repo = state.repos.get(`${m[1]}/${m[2]}`);
    if (!repo) return notFound;
    return handler(req, m, repo);
  }
  return {
    status: 404,
    body: { message: `the double does not implement ${req.method} ${req.path}`, documentation_url: '' },
  };
}
