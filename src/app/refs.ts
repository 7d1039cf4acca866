import type { PullRequestRef, RepairRequest } from './request.js';

interface RepositoryLike {
  name: string;
  full_name: string;
  owner: { login: string };
  clone_url: string;
  default_branch: string;
}

interface PullRequestLike {
  number: number;
  title: string;
  maintainer_can_modify?: boolean | null;
  head: { sha: string; ref: string; repo: { full_name: string; clone_url: string } | null };
  base: { ref: string; repo: { full_name: string } };
}

export function repoRef(repository: RepositoryLike): RepairRequest['repo'] {
  return {
    owner: repository.owner.login,
    name: repository.name,
    fullName: repository.full_name,
    cloneUrl: repository.clone_url,
    defaultBranch: repository.default_branch,
  };
}

export function pullRequestRef(pr: PullRequestLike): PullRequestRef {
  // A deleted fork leaves head.repo null: treat it as a fork nobody can push to.
  const headRepo = pr.head.repo;
  return {
    number: pr.number,
    title: pr.title,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    headRepoFullName: headRepo?.full_name ?? '(deleted fork)',
    headCloneUrl: headRepo?.clone_url ?? '',
    baseRef: pr.base.ref,
    isFork: headRepo?.full_name !== pr.base.repo.full_name,
    maintainerCanModify: Boolean(pr.maintainer_can_modify),
  };
}
