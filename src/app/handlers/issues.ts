import type { Context } from 'probot';
import { configOrReply, reply, type AppDeps } from '../deps.js';
import { enqueueRepair } from '../enqueue.js';
import { isBlockedBot, isOwnEvent } from '../guards.js';
import { hasWriteAccess } from '../permissions.js';
import { repoRef } from '../refs.js';

/** An issue labelled with `triggers.issueLabel` becomes a pull request with a reproduction test and a fix. */
export async function onIssueLabeled(
  context: Context<'issues.labeled'>,
  deps: AppDeps,
  slug: string,
): Promise<void> {
  const { issue, label, repository, sender } = context.payload;
  if (!label || isOwnEvent(sender, slug)) return;
  const where = { owner: repository.owner.login, repo: repository.name, number: issue.number };
  const config = await configOrReply(deps, context, where);
  if (!config) return;
  if (config.triggers.issueLabel === null || label.name !== config.triggers.issueLabel) return;
  if (isBlockedBot(sender, config.triggers.allowBots)) return;
  if (!(await hasWriteAccess(context.octokit, where.owner, where.repo, sender.login))) {
    return reply(
      deps,
      context,
      where,
      `Only people with write access can start a repair with the \`${label.name}\` label.`,
    );
  }
  await enqueueRepair(
    context,
    deps,
    config,
    {
      mode: 'issue',
      trigger: 'issue_label',
      deliveryId: context.id,
      installationId: context.payload.installation?.id ?? 0,
      repo: repoRef(repository),
      issue: { number: issue.number, title: issue.title, body: issue.body ?? '' },
      requestedBy: sender.login,
    },
    where,
  );
}
