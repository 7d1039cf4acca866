import type { FileEdit } from '../tools/index.js';
import { fitGithubText, type Octokit, type RepoId } from './octokit.js';
import { commentableLines, planSuggestions } from './suggestions.js';

export type SuggestionReview =
  { ok: true; url: string; comments: number; changedLines: number } | { ok: false; reason: string };

/**
 * Delivers a fix as a pull request review (event COMMENT) of the PR's head commit whose comments are
 * ```suggestion blocks, one per changed hunk, which a maintainer commits from GitHub's UI. When the fix does not
 * fit (see `planSuggestions`), nothing is posted and the reason is returned for the fallback.
 */
export async function reviewWithSuggestions(
  octokit: Octokit,
  repo: RepoId,
  pull: { number: number; headSha: string },
  edits: FileEdit[],
  options: { maxLines: number; body: string },
): Promise<SuggestionReview> {
  const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
    ...repo,
    pull_number: pull.number,
    per_page: 100,
  });
  const plan = planSuggestions(edits, { maxLines: options.maxLines, commentable: commentableLines(files) });
  if (!plan.ok) return plan;
  const { data } = await octokit.rest.pulls.createReview({
    ...repo,
    pull_number: pull.number,
    commit_id: pull.headSha,
    event: 'COMMENT',
    body: fitGithubText(options.body),
    comments: plan.comments,
  });
  return { ok: true, url: data.html_url, comments: plan.comments.length, changedLines: plan.changedLines };
}
