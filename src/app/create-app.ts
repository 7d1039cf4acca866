import type { Probot } from 'probot';
import type { TriageDecision } from './decisions.js';
import { Background, type AppDeps } from './deps.js';
import { onCiCompleted } from './handlers/ci.js';
import { onIssueComment } from './handlers/comment.js';
import { onIssueLabeled } from './handlers/issues.js';
import { onPullRequestChanged } from './handlers/pull-request.js';

/**
 * The triage side of the app: each handler turns one stored delivery into zero or one repair job (or answers a
 * command) and returns its decision, which `deps.onDecision` receives. The inbox answered GitHub before any of
 * this ran (src/app/inbox); the repairs run in workers.
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

    const record = (id: string, decision: TriageDecision) => deps.onDecision?.(id, decision);

    app.on('issue_comment.created', async (context) =>
      record(context.id, await onIssueComment(context, deps, await appSlug())),
    );
    app.on('issues.labeled', async (context) =>
      record(context.id, await onIssueLabeled(context, deps, await appSlug())),
    );
    app.on(['check_run.completed', 'check_suite.completed', 'workflow_run.completed'], async (context) =>
      record(context.id, await onCiCompleted(context, deps, await appSlug())),
    );
    app.on(['pull_request.synchronize', 'pull_request.closed'], async (context) =>
      record(context.id, await onPullRequestChanged(context, deps)),
    );
  };
}
