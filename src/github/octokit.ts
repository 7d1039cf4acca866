import type { ProbotOctokit } from 'probot';

/** An installation-authenticated Octokit (Probot's, with retry and throttling plugins). */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoId {
  owner: string;
  repo: string;
}

/** GitHub rejects check-run output and comment bodies above 65,535 characters. */
export const GITHUB_TEXT_LIMIT = 65_535;

/** Cuts text to GitHub's limit, keeping the head and saying what was cut. */
export function fitGithubText(text: string, limit = GITHUB_TEXT_LIMIT): string {
  if (text.length <= limit) return text;
  const note = `\n\n… ${text.length - limit + 200} characters cut to fit GitHub's limit; the full log is in the check run text and the job's JSONL log …\n\n`;
  const keep = limit - note.length - 200;
  return text.slice(0, keep) + note;
}
