import { PushDeniedError, type GitWorkspace } from '../../git/index.js';
import { comment, openFixPullRequest, type Octokit } from '../../github/index.js';
import type { IterationEvent, RepairResult } from '../../repair/index.js';
import { FIX_BRANCH_PREFIX } from '../guards.js';
import { patchComment, pullRequestBody } from '../report.js';
import type { RepairRequest } from '../request.js';

export type Publication =
  | { kind: 'pull_request'; number: number; url: string; branch: string }
  | { kind: 'pushed_to_fork'; branch: string; sha: string }
  | { kind: 'patch_comment'; url: string; reason: string };

export interface PublishInput {
  octokit: Octokit;
  token: string;
  git: GitWorkspace;
  request: RepairRequest;
  result: RepairResult;
  events: IterationEvent[];
  bot: { name: string; email: string };
}

export function fixBranchName(request: RepairRequest, headSha: string): string {
  const n = request.pr ? request.pr.number : `issue-${request.issue?.number}`;
  return `${FIX_BRANCH_PREFIX}${n}-${headSha.slice(0, 7)}`;
}

function commitMessage(request: RepairRequest, result: RepairResult): string {
  const subject = request.pr
    ? `Fix failing tests of #${request.pr.number}`
    : `Fix #${request.issue?.number}: ${request.issue?.title ?? ''}`.slice(0, 72);
  const body = [
    result.rootCause ? `Root cause: ${result.rootCause}` : '',
    `Repaired by mimo-code (${result.stop.detail}).`,
  ];
  return `${subject}\n\n${body.filter(Boolean).join('\n')}\n`;
}

async function postPatch(input: PublishInput, reason: string): Promise<Publication> {
  const { octokit, request, result } = input;
  const number = request.pr?.number ?? request.issue!.number;
  const url = await comment(
    octokit,
    { owner: request.repo.owner, repo: request.repo.name },
    number,
    patchComment(request, result, reason),
  );
  return { kind: 'patch_comment', url, reason };
}

/**
 * Delivers a green repair. Same-repository PR or issue: a `mimo/fix-…` branch and a pull request. Fork PR: code
 * derived from a fork is never pushed into the base repository (its branches run workflows with the base
 * repository's secrets), so the commit goes to the fork's PR branch when its author allows maintainer edits, and
 * is otherwise posted as a patch.
 */
export async function publishFix(input: PublishInput): Promise<Publication> {
  const { octokit, token, git, request, result, events } = input;
  const headSha = await git.headSha();
  const repo = { owner: request.repo.owner, repo: request.repo.name };
  if (request.pr?.isFork && !request.pr.maintainerCanModify) {
    return postPatch(input, 'The fork does not allow edits from maintainers, so I cannot push to it.');
  }
  const branch = request.pr?.isFork ? request.pr.headRef : fixBranchName(request, headSha);
  await git.createBranch(branch);
  // Exactly the recorded edits on top of HEAD, never the work tree's files: the diff shown is the diff committed.
  const sha = await git.commitEdits(result.edits, commitMessage(request, result), input.bot);
  try {
    if (request.pr?.isFork) {
      await git.push({ url: request.pr.headCloneUrl, token, branch });
      return { kind: 'pushed_to_fork', branch, sha };
    }
    await git.push({ url: request.repo.cloneUrl, token, branch });
  } catch (error) {
    if (error instanceof PushDeniedError)
      return postPatch(input, `Pushing the fix was refused: ${(error as Error).message}`);
    throw error;
  }
  const title = request.pr
    ? `mimo: fix failing tests of #${request.pr.number}`
    : `mimo: fix #${request.issue?.number} ${request.issue?.title ?? ''}`.trim();
  const pr = await openFixPullRequest(octokit, repo, {
    head: branch,
    base: request.pr ? request.pr.headRef : request.repo.defaultBranch,
    title,
    body: pullRequestBody(request, result, events),
  });
  return { kind: 'pull_request', number: pr.number, url: pr.url, branch };
}
