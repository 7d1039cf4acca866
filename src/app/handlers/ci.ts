import type { Context } from 'probot';
import { ConfigError, type MimoConfig } from '../../config/index.js';
import { combine, decided, type TriageDecision } from '../decisions.js';
import { loadRepoConfig, type AppDeps, type RepoCoordinates } from '../deps.js';
import { refusal } from '../enqueue.js';
import { branchAllowed, isBlockedBot } from '../guards.js';
import { pullRequestRef, repoRef } from '../refs.js';
import { jobKey, queueInput, type RepairRequest } from '../request.js';

type CiEvent = 'check_run.completed' | 'check_suite.completed' | 'workflow_run.completed';
const FAILED = new Set(['failure', 'timed_out']);

interface FailedCi {
  sha: string;
  prNumbers: number[];
  workflowRunId?: number;
  checkRunIds?: number[];
}

/** The failure this event reports, or why it is none (not a failure, or this app's own check). */
function failedCi(context: Context<CiEvent>, slug: string): FailedCi | string {
  const payload = context.payload;
  const notFailed = (conclusion: string | null) => `CI concluded ${conclusion ?? 'without a conclusion'}`;
  if ('workflow_run' in payload) {
    const run = payload.workflow_run;
    if (!run.conclusion || !FAILED.has(run.conclusion)) return notFailed(run.conclusion);
    return {
      sha: run.head_sha,
      prNumbers: run.pull_requests.flatMap((p) => (p ? [p.number] : [])),
      workflowRunId: run.id,
    };
  }
  if ('check_run' in payload) {
    const run = payload.check_run;
    if (run.app?.slug === slug) return 'the check run of the app itself';
    if (!run.conclusion || !FAILED.has(run.conclusion)) return notFailed(run.conclusion);
    return { sha: run.head_sha, prNumbers: run.pull_requests.map((p) => p.number), checkRunIds: [run.id] };
  }
  const suite = payload.check_suite;
  if (suite.app?.slug === slug) return 'the check suite of the app itself';
  if (!suite.conclusion || !FAILED.has(suite.conclusion)) return notFailed(suite.conclusion);
  return { sha: suite.head_sha, prNumbers: suite.pull_requests.map((p) => p.number) };
}

async function openPullRequestsFor(context: Context<CiEvent>, where: RepoCoordinates, failure: FailedCi) {
  if (failure.prNumbers.length > 0) {
    return Promise.all(
      failure.prNumbers.map(
        async (n) => (await context.octokit.rest.pulls.get({ ...where, pull_number: n })).data,
      ),
    );
  }
  // Fork PRs are not listed in check payloads: find open PRs whose head is the failing commit.
  const open = await context.octokit.paginate(context.octokit.rest.pulls.list, {
    ...where,
    state: 'open',
    per_page: 100,
  });
  return open.filter((pr) => pr.head.sha === failure.sha);
}

/** Automatic repair of red CI on a pull request's head, when `.github/mimo.yml` enables it. */
export async function onCiCompleted(
  context: Context<CiEvent>,
  deps: AppDeps,
  slug: string,
): Promise<TriageDecision> {
  const failure = failedCi(context, slug);
  if (typeof failure === 'string') return decided('ignored', failure);
  const { repository } = context.payload;
  const where = { owner: repository.owner.login, repo: repository.name };
  let config: MimoConfig;
  try {
    config = await loadRepoConfig(context.octokit, where);
  } catch (error) {
    if (error instanceof ConfigError) {
      context.log.warn({ error: error.message }, 'invalid config: no automatic repair');
      return decided('ignored', `invalid .github/mimo.yml: ${error.message.split('\n')[0]}`);
    }
    throw error;
  }
  if (!config.triggers.ci.enabled) return decided('ignored', 'automatic repair is off (triggers.ci.enabled)');
  const decisions: TriageDecision[] = [];
  for (const pr of await openPullRequestsFor(context, where, failure)) {
    const scope = `${repository.full_name}#${pr.number}`;
    if (pr.head.sha !== failure.sha || pr.state !== 'open') {
      decisions.push(
        decided('ignored', `stale: the PR is now at ${pr.head.sha.slice(0, 7)} (${pr.state})`, scope),
      );
      continue;
    }
    const { branches, ignoreBranches } = config.triggers.ci;
    if (!branchAllowed(pr.head.ref, branches, ignoreBranches)) {
      decisions.push(decided('ignored', `branch ${pr.head.ref} is outside triggers.ci.branches`, scope));
      continue;
    }
    const author = pr.user ?? { login: 'ghost', type: 'User' };
    if (isBlockedBot(author, config.triggers.allowBots)) {
      decisions.push(decided('ignored', `@${author.login} is a bot not listed in triggers.allowBots`, scope));
      continue;
    }
    const request: RepairRequest = {
      mode: 'repair',
      trigger: 'ci',
      deliveryId: context.id,
      installationId: context.payload.installation?.id ?? 0,
      repo: repoRef(repository),
      pr: pullRequestRef(pr),
      requestedBy: author.login,
      ...(failure.workflowRunId ? { failedWorkflowRunId: failure.workflowRunId } : {}),
      ...(failure.checkRunIds ? { failedCheckRunIds: failure.checkRunIds } : {}),
    };
    const refused = await refusal(deps, config, request);
    if (refused) {
      context.log.info({ pr: pr.number, refused }, 'automatic repair skipped');
      decisions.push(decided('refused', refused, scope));
      continue;
    }
    const { id, duplicate } = await deps.queue.enqueue(queueInput(request));
    context.log.info({ key: jobKey(request), duplicate }, 'automatic repair enqueued');
    decisions.push(
      duplicate
        ? decided('duplicate', 'a repair of this commit is already queued or running', scope, id)
        : decided('enqueued', `automatic repair of ${jobKey(request)}`, scope, id),
    );
  }
  return combine(
    decisions,
    decided('ignored', `no open pull request has ${failure.sha.slice(0, 7)} as its head`),
  );
}
