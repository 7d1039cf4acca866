import type { Context, ProbotOctokit } from 'probot';
import { ConfigError, CONFIG_PATH, parseConfig, defaultConfig, type MimoConfig } from '../config/index.js';
import type { Inbox, Queue, TriageDecision } from '../jobs/index.js';
import type { RepairRequest } from './request.js';

export type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * Writes that answer a delivery (the 👀 reaction, replies): their errors are logged, never thrown into the triage
 * (a retried triage would otherwise answer twice). Each write is filed under its delivery id, and triage waits for
 * that delivery's writes before it takes the next (`idle(id)`): Probot's throttling spaces writes a second apart
 * per installation, so a flood of commands is answered slower, never with unbounded pending writes.
 */
export class Background {
  private readonly pending = new Map<string, Set<Promise<unknown>>>();
  constructor(private readonly onError: (error: unknown) => void) {}

  run(task: () => Promise<unknown>, key = ''): void {
    let set = this.pending.get(key);
    if (!set) this.pending.set(key, (set = new Set()));
    const tasks = set;
    const promise: Promise<unknown> = task()
      .catch(this.onError)
      .finally(() => {
        tasks.delete(promise);
        if (tasks.size === 0 && this.pending.get(key) === tasks) this.pending.delete(key);
      });
    tasks.add(promise);
  }

  /** Resolves when the writes of delivery `key` (or of all deliveries) have been sent. */
  async idle(key?: string): Promise<void> {
    for (;;) {
      const sets = key === undefined ? [...this.pending.values()] : [this.pending.get(key) ?? new Set()];
      const all = sets.flatMap((set) => [...set]);
      if (all.length === 0) return;
      await Promise.all(all);
    }
  }
}

/** What the webhook handlers need; injected so tests run them against a real queue and recorded HTTP. */
export interface AppDeps {
  queue: Queue<RepairRequest>;
  /** The App's slug (its bot is `<slug>[bot]`); read from GitHub when not given. */
  appSlug?: string;
  background?: Background;
  /** Receives each handler's decision, keyed by delivery id (the triage stage records it with the delivery). */
  onDecision?: (deliveryId: string, decision: TriageDecision) => void;
  /** Earlier decisions of a PR or issue, for `/mimo status` (the inbox). */
  deliveries?: Pick<Inbox, 'decisions'>;
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

export function reply(
  deps: AppDeps,
  context: Context,
  where: RepoCoordinates & { number: number },
  body: string,
): void {
  const post = async () => {
    await context.octokit.rest.issues.createComment({
      owner: where.owner,
      repo: where.repo,
      issue_number: where.number,
      body,
    });
  };
  if (deps.background) deps.background.run(post, context.id);
  else void post().catch((error: unknown) => context.log.error({ err: error }, 'reply failed'));
}

export function configErrorComment(error: ConfigError): string {
  return `⚠️ mimo-code cannot run: the configuration is invalid.\n\n\`\`\`\n${error.message}\n\`\`\`\n\nFix \`${CONFIG_PATH}\` on the default branch and comment \`/mimo fix\` again.`;
}

/** The repository's config, or null after telling the user (as a reply) what is wrong with it. */
export async function configOrReply(
  deps: AppDeps,
  context: Context,
  where: RepoCoordinates & { number: number },
): Promise<MimoConfig | null> {
  try {
    return await loadRepoConfig(context.octokit, where);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    reply(deps, context, where, configErrorComment(error));
    return null;
  }
}
