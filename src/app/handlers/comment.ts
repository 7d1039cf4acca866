import type { Context } from 'probot';
import { helpText, parseCommand } from '../commands.js';
import { decided, type TriageDecision } from '../decisions.js';
import { configOrReply, reply, type AppDeps } from '../deps.js';
import { isBlockedBot, isOwnEvent } from '../guards.js';
import { hasWriteAccess } from '../permissions.js';
import { enqueueRepair, describeJobs, describeDecisions } from '../enqueue.js';
import { pullRequestRef, repoRef } from '../refs.js';
import type { RepairRequest } from '../request.js';

/** `/mimo fix|stop|status|help` on a pull request or an issue. */
export async function onIssueComment(
  context: Context<'issue_comment.created'>,
  deps: AppDeps,
  slug: string,
): Promise<TriageDecision> {
  const { comment, issue, repository, sender } = context.payload;
  const scope = issue.pull_request
    ? `${repository.full_name}#${issue.number}`
    : `${repository.full_name}!${issue.number}`;
  if (isOwnEvent(sender, slug)) return decided('ignored', 'a comment of the app itself');
  const command = parseCommand(comment.body);
  if (!command) return decided('ignored', 'not a /mimo command');
  const where = { owner: repository.owner.login, repo: repository.name, number: issue.number };

  const config = await configOrReply(deps, context, where);
  if (!config) return decided('answered', 'invalid .github/mimo.yml on the default branch', scope);
  if (!config.triggers.comment)
    return decided('ignored', 'comment commands are off (triggers.comment: false)', scope);
  if (isBlockedBot(sender, config.triggers.allowBots))
    return decided('ignored', `@${sender.login} is a bot not listed in triggers.allowBots`, scope);

  if (!(await hasWriteAccess(context.octokit, where.owner, where.repo, sender.login))) {
    context.log.info({ user: sender.login }, 'command refused: no write access');
    reply(
      deps,
      context,
      where,
      `Thanks for the suggestion, @${sender.login}! Only people with write access to this repository can run \`/mimo\` commands. A maintainer can comment \`/mimo fix\` to start a repair.`,
    );
    return decided('refused', `@${sender.login} has no write access`, scope);
  }
  const reaction = { owner: where.owner, repo: where.repo, comment_id: comment.id, content: 'eyes' as const };
  deps.background?.run(() => context.octokit.rest.reactions.createForIssueComment(reaction), context.id);

  switch (command.name) {
    case 'help':
      reply(deps, context, where, helpText());
      return decided('answered', '/mimo help', scope);
    case 'unknown':
      reply(deps, context, where, `I don't know the command \`${command.word}\`.\n\n${helpText()}`);
      return decided('answered', `unknown command "${command.word.slice(0, 40)}"`, scope);
    case 'status': {
      const jobs = describeJobs(await deps.queue.list({ scope }));
      const recent = deps.deliveries ? describeDecisions(await deps.deliveries.decisions(scope, 10)) : '';
      reply(deps, context, where, recent ? `${jobs}\n\n${recent}` : jobs);
      return decided('answered', '/mimo status', scope);
    }
    case 'stop': {
      const active = await deps.queue.list({ scope, states: ['queued', 'running'] });
      for (const job of active) await deps.queue.cancel(job.id, `stopped by @${sender.login}`);
      reply(
        deps,
        context,
        where,
        active.length
          ? `Stopped ${active.length} repair job(s); the log so far is kept.`
          : 'Nothing is running here.',
      );
      return decided('cancelled', `/mimo stop by @${sender.login}: ${active.length} job(s) stopped`, scope);
    }
    case 'fix': {
      const base: Omit<RepairRequest, 'mode' | 'pr' | 'issue'> = {
        trigger: 'comment',
        deliveryId: context.id,
        installationId: context.payload.installation?.id ?? 0,
        repo: repoRef(repository),
        requestedBy: sender.login,
        ...(command.instructions ? { instructions: command.instructions } : {}),
      };
      if (issue.pull_request) {
        const { data: pr } = await context.octokit.rest.pulls.get({
          owner: where.owner,
          repo: where.repo,
          pull_number: issue.number,
        });
        const request: RepairRequest = { ...base, mode: 'repair', pr: pullRequestRef(pr) };
        return enqueueRepair(context, deps, config, request, where);
      }
      const request: RepairRequest = {
        ...base,
        mode: 'issue',
        issue: { number: issue.number, title: issue.title, body: issue.body ?? '' },
      };
      return enqueueRepair(context, deps, config, request, where);
    }
  }
}
