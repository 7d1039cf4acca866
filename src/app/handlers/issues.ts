import type { Context } from 'probot';
import { decided, type TriageDecision } from '../decisions.js';
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
): Promise<TriageDecision> {
  const { issue, label, repository, sender } = context.payload;
  const scope = `${repository.full_name}!${issue.number}`;
  if (!label) return decided('ignored', 'no label in the event');
  if (isOwnEvent(sender, slug)) return decided('ignored', 'a label set by the app itself');
  const where = { owner: repository.owner.login, repo: repository.name, number: issue.number };
  const config = await configOrReply(deps, context, where);
  if (!config) return decided('answered', 'invalid .github/mimo.yml on the default branch', scope);
  if (config.triggers.issueLabel === null || label.name !== config.triggers.issueLabel)
    return decided('ignored', `label "${label.name.slice(0, 50)}" is not triggers.issueLabel`, scope);
  if (isBlockedBot(sender, config.triggers.allowBots))
    return decided('ignored', `@${sender.login} is a bot not listed in triggers.allowBots`, scope);
  if (!(await hasWriteAccess(context.octokit, where.owner, where.repo, sender.login))) {
    reply(
      deps,
      context,
      where,
      `Only people with write access can start a repair with the \`${label.name}\` label.`,
    );
    return decided('refused', `@${sender.login} has no write access`, scope);
  }
  return enqueueRepair(
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
