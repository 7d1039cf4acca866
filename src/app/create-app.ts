import type { Probot } from 'probot';
import { Background, type AppDeps } from './deps.js';
import { onCiCompleted } from './handlers/ci.js';
import { onIssueComment } from './handlers/comment.js';
import { onIssueLabeled } from './handlers/issues.js';
import { onPullRequestChanged } from './handlers/pull-request.js';

/**
 * The webhook side of the app: every handler only validates and enqueues (or answers a command), so GitHub gets
 * its acknowledgement fast; the repairs run in workers.
 */
export function createApp(deps: AppDeps): (app: Probot) => void {
  return (app: Probot) => {
    deps = {
      ...deps,
      background: deps.background ?? new Background((error) => app.log.error({ err: error }, 'reply failed')),
    };
    let slug: Promise<string> | undefined;
    const appSlug = () =>
      (slug ??= deps.appSlug
        ? Promise.resolve(deps.appSlug)
        : app
            .auth()
            .then(async (octokit) => (await octokit.rest.apps.getAuthenticated()).data?.slug ?? 'mimo-code'));

    app.on('issue_comment.created', async (context) => onIssueComment(context, deps, await appSlug()));
    app.on('issues.labeled', async (context) => onIssueLabeled(context, deps, await appSlug()));
    app.on(['check_run.completed', 'check_suite.completed', 'workflow_run.completed'], async (context) =>
      onCiCompleted(context, deps, await appSlug()),
    );
    app.on(['pull_request.synchronize', 'pull_request.closed'], async (context) =>
      onPullRequestChanged(context, deps),
    );
  };
}
