import { fitGithubText, type Octokit, type RepoId } from './octokit.js';

export interface FixPullRequest {
  number: number;
  url: string;
}

/** Opens the fix pull request (`head` is a branch of `repo`). */
export async function openFixPullRequest(
  octokit: Octokit,
  repo: RepoId,
  options: { head: string; base: string; title: string; body: string },
): Promise<FixPullRequest> {
  const { data } = await octokit.rest.pulls.create({
    ...repo,
    head: options.head,
    base: options.base,
    title: options.title.slice(0, 256),
    body: fitGithubText(options.body),
    maintainer_can_modify: true,
  });
  return { number: data.number, url: data.html_url };
}

export async function comment(
  octokit: Octokit,
  repo: RepoId,
  issueNumber: number,
  body: string,
): Promise<string> {
  const { data } = await octokit.rest.issues.createComment({
    ...repo,
    issue_number: issueNumber,
    body: fitGithubText(body),
  });
  return data.html_url;
}

/** A file of the repository at a ref, or null when it does not exist. */
export async function fileAt(
  octokit: Octokit,
  repo: RepoId,
  path: string,
  ref: string,
): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...repo, path, ref });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) return null;
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
