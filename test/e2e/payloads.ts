// Webhook payloads for the journeys: real deliveries from @octokit/webhooks-examples, re-pointed at a repository
// and pull request of the GitHub double.
import { createRequire } from 'node:module';
import type { GitHubDouble, PullState, RepoState } from './github-double/index.js';

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as {
  name: string;
  examples: Record<string, unknown>[];
}[];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function base(event: string, match: (e: Json) => boolean): Json {
  const found = examples.find((e) => e.name === event)?.examples.find(match);
  if (!found) throw new Error(`no ${event} example`);
  return structuredClone(found);
}

function repository(double: GitHubDouble, repo: RepoState, template: Json): Json {
  return {
    ...template,
    name: repo.name,
    full_name: repo.fullName,
    owner: { ...template.owner, login: repo.owner },
    clone_url: `${double.gitUrl}/${repo.fullName}.git`,
    default_branch: repo.defaultBranch,
  };
}

const installation = { id: 1, node_id: 'MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==' };

export function commentPayload(
  double: GitHubDouble,
  repo: RepoState,
  number: number,
  body: string,
  login: string,
  onPullRequest = true,
): Json {
  const p = base('issue_comment', (e) => e.action === 'created');
  p.repository = repository(double, repo, p.repository);
  p.installation = installation;
  p.sender = { ...p.sender, login, type: 'User' };
  p.comment = { ...p.comment, id: double.state.nextId(), body, user: { ...p.comment.user, login } };
  p.issue = { ...p.issue, number, title: `#${number}`, body: '' };
  if (onPullRequest)
    p.issue.pull_request = { url: `${double.url}/api/v3/repos/${repo.fullName}/pulls/${number}` };
  else delete p.issue.pull_request;
  return p;
}

export function failedWorkflowRunPayload(
  double: GitHubDouble,
  repo: RepoState,
  pull: PullState,
  runId: number,
): Json {
  const p = base('workflow_run', (e) => e.action === 'completed');
  p.repository = repository(double, repo, p.repository);
  p.installation = installation;
  Object.assign(p.workflow_run, {
    id: runId,
    conclusion: 'failure',
    status: 'completed',
    head_sha: pull.headSha,
    head_branch: pull.headRef,
    pull_requests: [],
  });
  return p;
}

export function labeledIssuePayload(
  double: GitHubDouble,
  repo: RepoState,
  issue: { number: number; title: string; body: string },
  label: string,
  login: string,
): Json {
  const p = base('issues', (e) => e.action === 'labeled');
  p.repository = repository(double, repo, p.repository);
  p.installation = installation;
  p.label = { ...p.label, name: label };
  p.issue = { ...p.issue, number: issue.number, title: issue.title, body: issue.body };
  p.sender = { ...p.sender, login, type: 'User' };
  return p;
}
