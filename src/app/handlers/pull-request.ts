import type { Context } from 'probot';
import type { AppDeps } from '../deps.js';

/** A new push makes a running repair of the old head pointless; closing the PR ends its repairs. */
export async function onPullRequestChanged(
  context: Context<'pull_request.synchronize' | 'pull_request.closed'>,
  deps: AppDeps,
): Promise<void> {
  const { pull_request: pr, repository } = context.payload;
  const scope = `${repository.full_name}#${pr.number}`;
  if (context.payload.action === 'synchronize') {
    const n = await deps.queue.supersede(
      scope,
      pr.head.sha,
      `superseded by a push of ${pr.head.sha.slice(0, 7)}`,
    );
    if (n > 0) context.log.info({ scope, cancelled: n }, 'stale repairs cancelled');
    return;
  }
  for (const job of await deps.queue.list({ scope, states: ['queued', 'running'] })) {
    await deps.queue.cancel(job.id, 'the pull request was closed');
  }
}
