import type { Context } from 'probot';
import type { MimoConfig } from '../config/index.js';
import type { DeliveryRecord, JobRecord } from '../jobs/index.js';
import { decided, type TriageDecision } from './decisions.js';
import { reply, type AppDeps, type Octokit, type RepoCoordinates } from './deps.js';
import { isFixBranch } from './guards.js';
import { jobKey, jobScope, queueInput, type RepairRequest } from './request.js';

const CHECK_NAME = 'mimo fix';
const FAILING = new Set(['failure', 'timed_out', 'action_required', 'startup_failure']);

/** Whether any check or status on `sha` failed; `null` when CI has not finished or there is none. */
export async function ciFailing(
  octokit: Octokit,
  where: RepoCoordinates,
  sha: string,
): Promise<boolean | null> {
  const [{ data }, { data: combined }] = await Promise.all([
    octokit.rest.checks.listForRef({ ...where, ref: sha, per_page: 100 }),
    octokit.rest.repos.getCombinedStatusForRef({ ...where, ref: sha }),
  ]);
  const runs = data.check_runs.filter((run) => run.name !== CHECK_NAME);
  if (runs.some((run) => run.conclusion && FAILING.has(run.conclusion))) return true;
  if (combined.statuses.some((s) => s.state === 'failure' || s.state === 'error')) return true;
  const pending =
    runs.some((run) => run.status !== 'completed') || combined.statuses.some((s) => s.state === 'pending');
  return runs.length + combined.statuses.length === 0 || pending ? null : false;
}

/** Why a new repair of this request is refused, or null when it may run. */
export async function refusal(
  deps: AppDeps,
  config: MimoConfig,
  request: RepairRequest,
): Promise<string | null> {
  const scope = jobScope(request);
  const previous = (await deps.queue.list({ scope })).filter((job) => job.state !== 'cancelled');
  // A repeated delivery or trigger for a commit whose repair already finished makes no second job.
  if (previous.some((job) => job.key === jobKey(request) && job.state === 'done')) {
    return 'this exact commit was already repaired (see the "mimo fix" check run); push a new commit to repair again';
  }
  if (request.pr && isFixBranch(request.pr.headRef) && previous.length >= 1) {
    return 'this pull request is one of my own fixes and I have already tried to repair it once';
  }
  if (previous.length >= config.triggers.maxAttemptsPerPr) {
    return `I have already made ${previous.length} repair attempts here (the limit is \`triggers.maxAttemptsPerPr: ${config.triggers.maxAttemptsPerPr}\` in .github/mimo.yml)`;
  }
  return null;
}

/** Validates, enqueues and acknowledges a repair request from a comment or a label. */
export async function enqueueRepair(
  context: Context,
  deps: AppDeps,
  config: MimoConfig,
  request: RepairRequest,
  where: RepoCoordinates & { number: number },
): Promise<TriageDecision> {
  const scope = jobScope(request);
  if (
    request.pr &&
    request.mode === 'repair' &&
    (await ciFailing(context.octokit, { owner: where.owner, repo: where.repo }, request.pr.headSha)) === false
  ) {
    reply(
      deps,
      context,
      where,
      `Nothing is red on \`${request.pr.headSha.slice(0, 7)}\`: every check passed, so there is nothing to fix. (Describe a bug in an issue and comment \`/mimo fix\` there to get a reproduction test and a fix.)`,
    );
    return decided('refused', `CI is green on ${request.pr.headSha.slice(0, 7)}`, scope);
  }
  const refused = await refusal(deps, config, request);
  if (refused) {
    reply(deps, context, where, `I won't start another repair: ${refused}.`);
    return decided('refused', refused, scope);
  }
  const { id, duplicate } = await deps.queue.enqueue(queueInput(request));
  if (duplicate) {
    reply(
      deps,
      context,
      where,
      'A repair of this exact commit is already queued or running; comment `/mimo status` to follow it.',
    );
    return decided('duplicate', 'a repair of this exact commit is already queued or running', scope, id);
  }
  context.log.info({ key: jobKey(request) }, 'repair enqueued');
  return decided('enqueued', `repair of ${jobKey(request)}`, scope, id);
}

/** Recent deliveries of a PR or issue that started nothing, and why (for `/mimo status`). */
export function describeDecisions(records: DeliveryRecord[]): string {
  const quiet = records.filter(
    (r) => r.decision && r.decision.outcome !== 'enqueued' && r.decision.outcome !== 'answered',
  );
  if (quiet.length === 0) return '';
  const rows = quiet.map((r) => {
    const when = new Date(r.receivedAt).toISOString().replace('T', ' ').slice(0, 16);
    const reason = r.decision!.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    return `| ${when} UTC | ${r.event} | ${r.decision!.outcome} | ${reason} |`;
  });
  return [
    'Recent events that started no repair:',
    '',
    '| Received | Event | Decision | Why |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function describeJobs(jobs: JobRecord<RepairRequest>[]): string {
  if (jobs.length === 0) return 'No repairs have been requested here yet.';
  const rows = jobs.map((job) => {
    const sha = job.payload.pr?.headSha.slice(0, 7) ?? '—';
    const when = new Date(job.createdAt).toISOString().replace('T', ' ').slice(0, 16);
    return `| ${job.state} | ${job.payload.trigger} | \`${sha}\` | ${when} UTC | ${job.reason ?? ''} |`;
  });
  return ['| State | Trigger | Commit | Requested | Note |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}
