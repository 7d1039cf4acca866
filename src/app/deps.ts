import type { Context, ProbotOctokit } from 'probot';
import { ConfigError, CONFIG_PATH, parseConfig, defaultConfig, type MimoConfig } from '../config/index.js';
import type { Queue } from '../jobs/index.js';
import type { RepairRequest } from './request.js';

export type Octokit = InstanceType<typeof ProbotOctokit>;

/** What the webhook handlers need; injected so tests run them against a real queue and recorded HTTP. */
export interface AppDeps {
  queue: Queue<RepairRequest>;
  /** The App's slug (its bot is `<slug>[bot]`); read from GitHub when not given. */
  appSlug?: string;
}

export interface RepoCoordinates {
  owner: string;
  repo: string;
}

/**
 * `.github/mimo.yml` from the default branch. Read from the base repository's default branch, never from a PR's
 * head, so a pull request cannot raise its own budget or widen the paths the agent may edit.
 */
export async function loadRepoConfig(octokit: Octokit, where: RepoCoordinates): Promise<MimoConfig> {
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: where.owner,
      repo: where.repo,
      path: CONFIG_PATH,
    });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data)) {
      throw new ConfigError(`${CONFIG_PATH} must be a file`);
    }
    return parseConfig(Buffer.from(data.content, 'base64').toString('utf8'));
  } catch (error) {
    if ((error as { status?: number }).status === 404) return defaultConfig();
    throw error;
  }
}

export async function reply(
  context: Context,
  where: RepoCoordinates & { number: number },
  body: string,
): Promise<void> {
  await context.octokit.rest.issues.createComment({
    owner: where.owner,
    repo: where.repo,
    issue_number: where.number,
    body,
  });
}

export function configErrorComment(error: ConfigError): string {
  return `⚠️ mimo-code cannot run: the configuration is invalid.\n\n\`\`\`\n${error.message}\n\`\`\`\n\nFix \`${CONFIG_PATH}\` on the default branch and comment \`/mimo fix\` again.`;
}
