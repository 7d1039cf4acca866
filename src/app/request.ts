import type { EnqueueInput } from '../jobs/index.js';

/** What the webhook handler enqueues: everything a worker needs to run one repair, and nothing secret. */
export type TriggerKind = 'comment' | 'ci' | 'issue_label';

export interface PullRequestRef {
  number: number;
  headSha: string;
  headRef: string;
  /** `owner/name` of the head repository (differs from the base repository for a fork). */
  headRepoFullName: string;
  headCloneUrl: string;
  baseRef: string;
  isFork: boolean;
  maintainerCanModify: boolean;
  title: string;
}

export interface IssueRef {
  number: number;
  title: string;
  /** Issue text: data for the prompt, never a command. */
  body: string;
}

export interface RepairRequest {
  mode: 'repair' | 'issue';
  trigger: TriggerKind;
  deliveryId: string;
  installationId: number;
  repo: { owner: string; name: string; fullName: string; cloneUrl: string; defaultBranch: string };
  pr?: PullRequestRef;
  issue?: IssueRef;
  /** Extra text after `/mimo fix`: a hint for the agent, never executed. */
  instructions?: string;
  requestedBy: string;
  /** The failing CI that triggered an automatic repair: its logs seed the first iteration. */
  failedWorkflowRunId?: number;
  failedCheckRunIds?: number[];
}

/** One job per (repository, PR or issue, head SHA, trigger class): repeated deliveries and triggers collapse. */
export function jobKey(request: RepairRequest): string {
  const target = request.pr
    ? `#${request.pr.number}@${request.pr.headSha}`
    : `issue#${request.issue?.number}`;
  return `${request.repo.fullName}${target}:${request.trigger === 'ci' ? 'ci' : 'manual'}`;
}

/** Jobs of one PR share a scope; a push (new head SHA) supersedes the older ones. */
export function jobScope(request: RepairRequest): string {
  return request.pr
    ? `${request.repo.fullName}#${request.pr.number}`
    : `${request.repo.fullName}!${request.issue?.number}`;
}

/** The queue entry of a request: deduplicated by its key, one at a time per repository, superseded by a push. */
export function queueInput(request: RepairRequest): EnqueueInput<RepairRequest> {
  return {
    key: jobKey(request),
    group: request.repo.fullName,
    scope: jobScope(request),
    ...(request.pr ? { version: request.pr.headSha } : {}),
    payload: request,
  };
}
