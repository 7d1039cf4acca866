import type { MimoConfig } from '../../config/index.js';
import { PushDeniedError, PushRejectedError, type GitWorkspace } from '../../git/index.js';
import { comment, openFixPullRequest, reviewWithSuggestions, type Octokit } from '../../github/index.js';
import type { IterationEvent, RepairResult } from '../../repair/index.js';
import { FIX_BRANCH_PREFIX, isFixBranch } from '../guards.js';
import { patchComment, pullRequestBody } from '../report.js';
import type { RepairRequest } from '../request.js';

/** How a green repair went out; `note` says why the configured delivery mode was not used, when it was not. */
export type Publication = (
  | { kind: 'pull_request'; number: number; url: string; branch: string }
  | { kind: 'pushed'; branch: string; sha: string; fork: boolean }
  | { kind: 'review'; url: string; comments: number }
  | { kind: 'patch_comment'; url: string; reason: string }
) & { note?: string };

export interface PublishInput {
  octokit: Octokit;
  token: string;
  git: GitWorkspace;
  request: RepairRequest;
  result: RepairResult;
  events: IterationEvent[];
  bot: { name: string; email: string };
  /** `.github/mimo.yml` `delivery:` (default: a fix pull request). */
  delivery?: MimoConfig['delivery'];
  /** The run page, linked from the fix PR and the review. */
  runUrl?: string;
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

function runLink(input: PublishInput): string {
  return input.runUrl ? `[Watch this run](${input.runUrl}) (iteration log, chart, diff, cost).\n\n` : '';
}

/** Pushes the fix commit onto the pull request's own branch (in the fork for a fork's PR). */
async function pushToPullRequest(input: PublishInput): Promise<Publication> {
  const { token, git, request, result } = input;
  const pr = request.pr!;
  await git.createBranch(pr.headRef);
  const sha = await git.commitEdits(result.edits, commitMessage(request, result), input.bot);
  await git.push({ url: pr.isFork ? pr.headCloneUrl : request.repo.cloneUrl, token, branch: pr.headRef });
  return { kind: 'pushed', branch: pr.headRef, sha, fork: pr.isFork };
}

/** A `mimo/fix-…` branch in the base repository and a pull request from it. */
async function openPullRequest(input: PublishInput): Promise<Publication> {
  const { octokit, token, git, request, result, events } = input;
  const headSha = await git.headSha();
  const branch = fixBranchName(request, headSha);
  await git.createBranch(branch);
  // Exactly the recorded edits on top of HEAD, never the work tree's files: the diff shown is the diff committed.
  await git.commitEdits(result.edits, commitMessage(request, result), input.bot);
  await git.push({ url: request.repo.cloneUrl, token, branch });
  const title = request.pr
    ? `mimo: fix failing tests of #${request.pr.number}`
    : `mimo: fix #${request.issue?.number} ${request.issue?.title ?? ''}`.trim();
  const pr = await openFixPullRequest(
    octokit,
    { owner: request.repo.owner, repo: request.repo.name },
    {
      head: branch,
      base: request.pr ? request.pr.headRef : request.repo.defaultBranch,
      title,
      body: runLink(input) + pullRequestBody(request, result, events),
    },
  );
  return { kind: 'pull_request', number: pr.number, url: pr.url, branch };
}

async function suggest(input: PublishInput, maxLines: number): Promise<Publication | string> {
  const { octokit, request, result } = input;
  const pr = request.pr!;
  const review = await reviewWithSuggestions(
    octokit,
    { owner: request.repo.owner, repo: request.repo.name },
    { number: pr.number, headSha: pr.headSha },
    result.edits,
    {
      maxLines,
      body: `${runLink(input)}The tests of #${pr.number} pass with the suggestions below (mimo-code, ${result.stop.detail}). Commit them from the "Files changed" tab.`,
    },
  );
  return review.ok ? { kind: 'review', url: review.url, comments: review.comments } : review.reason;
}

/** Refused pushes end as a patch comment (nothing else would reach the user); other errors fail the job. */
async function orPatch(input: PublishInput, deliver: () => Promise<Publication>): Promise<Publication> {
  try {
    return await deliver();
  } catch (error) {
    if (error instanceof PushDeniedError || error instanceof PushRejectedError)
      return postPatch(input, `Pushing the fix was refused: ${error.message}`);
    throw error;
  }
}

/**
 * Delivers a green repair the way the repository asks (`delivery.mode`):
 * - `pr` (default): a `mimo/fix-…` branch and a pull request against the PR's branch (or the default branch for
 *   an issue);
 * - `commit`: the fix commit pushed onto the PR's branch;
 * - `suggestions`: a review with one ```suggestion per hunk when the fix is small enough and inside the PR's diff,
 *   else a fix PR (the reason is kept in `note`).
 * Whatever the mode, a repair of the app's own fix PR is pushed onto that PR (no PR against a PR), and code derived
 * from a fork is never pushed into the base repository (its branches run workflows with the base repository's
 * secrets): it goes to the fork's PR branch when its author allows maintainer edits, and is otherwise posted as a
 * patch. Suggestions push nothing, so they suit forks too.
 */
export async function publishFix(input: PublishInput): Promise<Publication> {
  const { request } = input;
  const mode = input.delivery?.mode ?? 'pr';
  const pr = request.pr;
  if (!pr) return orPatch(input, () => openPullRequest(input));
  if (!pr.isFork && isFixBranch(pr.headRef)) return orPatch(input, () => pushToPullRequest(input));
  let note: string | undefined;
  if (mode === 'suggestions') {
    const suggested = await suggest(input, input.delivery?.maxSuggestionLines ?? 30);
    if (typeof suggested !== 'string') return suggested;
    note = `Suggestions were not possible (${suggested}), so the fix comes as ${pr.isFork ? 'a commit on the fork' : 'a pull request'}.`;
  }
  const withNote = (p: Publication): Publication => (note ? { ...p, note } : p);
  if (pr.isFork) {
    if (!pr.maintainerCanModify)
      return withNote(
        await postPatch(input, 'The fork does not allow edits from maintainers, so I cannot push to it.'),
      );
    return withNote(await orPatch(input, () => pushToPullRequest(input)));
  }
  if (mode === 'commit') {
    try {
      return await pushToPullRequest(input);
    } catch (error) {
      if (!(error instanceof PushDeniedError || error instanceof PushRejectedError)) throw error;
      note = `Pushing onto \`${pr.headRef}\` was refused (${error.message}), so the fix comes as a pull request.`;
    }
  }
  return withNote(await orPatch(input, () => openPullRequest(input)));
}
