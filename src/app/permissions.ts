import type { ProbotOctokit } from 'probot';

type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * True when `username` may push to the repository (admin, maintain or write). Uses the collaborator permission
 * API, which reflects team and organization grants, not just direct collaborators.
 */
export async function hasWriteAccess(
  octokit: Octokit,
  owner: string,
  repo: string,
  username: string,
): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    return data.permission === 'admin' || data.permission === 'write' || data.role_name === 'maintain';
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}
