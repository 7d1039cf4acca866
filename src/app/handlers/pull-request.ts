import type { Context } from 'probot';
import { decided, type TriageDecision } from '../decisions.js';
import type { AppDeps } from '../deps.js';

/** A new push makes a running repair of the old head pointless; closing the PR ends its repairs. */
export async function onPullRequestChanged(
  context: Context<'pull_request.synchronize' | 'pull_request.closed'>,
  deps: AppDeps,
): Promise<TriageDecision> {
  const { pull_request: pr, repository } = context.payload;
  const scope = `${repository.full_name}#${pr.number}`;
  if (context.payload.action === 'synchronize') {
    const n = await deps.queue.supersede(
      scope,
      pr.head.sha,
      `superseded by a push of ${pr.head.sha.slice(0, 7)}`,
    );
    if (n > 0) context.log.info({ scope, cancelled: n }, 'stale repairs cancelled');
    return n > 0
      ? decided(
          'cancelled',
          `${n} repair(s) of older commits superseded by ${pr.head.sha.slice(0, 7)}`,
          scope,
        )
      : decided('ignored', 'a push with no older repair to supersede', scope);
  }
  const active = await deps.queue.list({ scope, states: ['queued', 'running'] });
  for (const job of active) {
    await deps.queue.cancel(job.id, 'the pull request was closed');
  }
  return active.length > 0
    ? decided('cancelled', `the pull request was closed: ${active.length} repair(s) stopped`, scope)
    : decided('ignored', 'the pull request was closed with no repair running', scope);
}
