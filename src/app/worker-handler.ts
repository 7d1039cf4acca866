import {
  applyCeilings,
  ConfigError,
  describeClamp,
  resolveCeilings,
  type CeilingOverrides,
} from '../config/index.js';
import {
  comment,
  concludeAbandonedCheckRuns,
  RepairCheckRun,
  type CheckConclusion,
  type Octokit,
} from '../github/index.js';
import type { GitObjectCache } from '../git/index.js';
import type { JobHandler, JobRecord } from '../jobs/index.js';
import { fanOut, type StopReason } from '../repair/index.js';
import type { WarmPool } from '../sandbox/index.js';
import type { Web } from '../web/index.js';
import { configErrorComment, loadRepoConfig } from './deps.js';
import { CheckRunReporter } from './job/check-reporter.js';
import { executeRepair } from './job/execute.js';
import { leaseEarly, prepareJob, type EarlyLease, type PreparedJob } from './job/prepare.js';
import { announce } from './job/announce.js';
import { modelLabel, observeJob, type JobObservation } from './job/observe.js';
import { publishFix } from './job/publish.js';
import { userFacingMessage } from './job/errors.js';
import { checkRunOutput, failureComment } from './report.js';
import type { RepairRequest } from './request.js';

export interface JobHandlerDeps {
  /** An installation Octokit and its token (the token goes to host-side git only). */
  auth(installationId: number): Promise<{ octokit: Octokit; token: string }>;
  appSlug(): Promise<string>;
  /** Model keys and MIMO_MODEL, for the model client (they never reach a sandbox). */
  env: Record<string, string | undefined>;
  /** The operator's MIMO_MAX_* (readEnv's `ceilings`); unset ones default from the host. */
  ceilings?: CeilingOverrides;
  workRoot?: string;
  /** Started sandboxes waiting for jobs (MIMO_SANDBOX_POOL); without it every job opens its own cold. */
  pool?: WarmPool;
  /** Kept mirrors the jobs' clones borrow objects from (MIMO_GIT_CACHE_MB); without it every job clones in full. */
  gitCache?: GitObjectCache;
  log: JobLog;
  /** Run pages and metrics of this process (absent in tests and when nothing serves them). */
  web?: Web;
}

export interface JobLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  /** pino's: every line of a job carries `job`, `delivery` and `repo`. */
  child?(bindings: Record<string, unknown>): JobLog;
}

const CONCLUSION: Partial<Record<StopReason, CheckConclusion>> = {
  green: 'success',
  nothing_to_fix: 'neutral',
  aborted: 'cancelled',
};

/** Runs one repair job end to end: check run, clone, sandbox, loop, proof, fix PR (or patch), comments. */
export function createJobHandler(deps: JobHandlerDeps): JobHandler<RepairRequest> {
  return async (job, signal) => {
    const request = job.payload;
    const { octokit, token } = await deps.auth(request.installationId);
    const mirror = deps.gitCache ? leaseEarly(deps.gitCache, request, token) : undefined;
    try {
      await runJob(deps, job, signal, { octokit, token, ...(mirror ? { mirror } : {}) });
    } finally {
      mirror?.drop();
    }
  };
}

async function runJob(
  deps: JobHandlerDeps,
  job: JobRecord<RepairRequest>,
  signal: AbortSignal,
  { octokit, token, mirror }: { octokit: Octokit; token: string; mirror?: EarlyLease },
): Promise<void> {
  const request = job.payload;
  const bindings = { job: job.id, delivery: request.deliveryId, repo: request.repo.fullName };
  const log = deps.log.child ? deps.log.child(bindings) : deps.log;
  const repo = { owner: request.repo.owner, repo: request.repo.name };
  const number = request.pr?.number ?? request.issue?.number ?? 0;
  let config;
  try {
    config = await loadRepoConfig(octokit, repo);
  } catch (error) {
    if (error instanceof ConfigError) {
      await comment(octokit, repo, number, configErrorComment(error));
      return;
    }
    throw error;
  }
  // Operator ceilings (MIMO_MAX_*): the repository may lower its limits, never raise them past these.
  const ceiled = applyCeilings(config, resolveCeilings(deps.ceilings ?? {}));
  for (const c of ceiled.clamped) deps.log.info({ job: job.id, ...c }, describeClamp(c));
  config = ceiled.config;
  const headSha =
    request.pr?.headSha ??
    (await octokit.rest.repos.getBranch({ ...repo, branch: request.repo.defaultBranch })).data.commit.sha;
  if (job.attempts > 1) await concludeAbandonedCheckRuns(octokit, repo, headSha);
  const observed: JobObservation = observeJob(deps.web, job, modelLabel(config, deps.env.MIMO_MODEL));
  log.info({ attempt: job.attempts }, 'repair job started');
  const check = await RepairCheckRun.create(octokit, repo, headSha, observed.runUrl).catch(
    (error: unknown) => {
      observed.finish('failed', 'error');
      throw error;
    },
  );
  const reporter = new CheckRunReporter(check, (error) =>
    log.warn({ err: error }, 'check run update failed'),
  );
  let prepared: PreparedJob | undefined;
  try {
    prepared = await prepareJob(octokit, token, request, {
      workRoot: deps.workRoot,
      config,
      ...(mirror ? { mirror } : {}),
    });
    const executed = await executeRepair(prepared, {
      env: deps.env,
      signal,
      reporter: fanOut(reporter, observed.reporter),
      onSandbox: (outcome) => deps.web?.metrics.sandboxes.inc({ outcome }),
      ...(deps.pool ? { pool: deps.pool } : {}),
      onOpen: (how) => log.info({ sandbox: how }, `sandbox opened ${how}`),
      mode: request.mode,
      jobId: job.id,
      onImageProgress: ({ image, message }) => log.info({ image }, `building the sandbox image: ${message}`),
      ...(request.issue ? { issue: { title: request.issue.title, body: request.issue.body } } : {}),
      ...(request.instructions ? { instructions: request.instructions } : {}),
    });
    await reporter.flush();
    const events = executed.log.events;
    const { result } = executed;
    const stop = result.stop.reason;
    if (!result.success) {
      const conclusion = CONCLUSION[result.stop.reason] ?? 'failure';
      // The run page is final before GitHub is told, so whoever follows the link sees the outcome.
      observed.finish(signal.aborted ? 'cancelled' : 'done', stop, {
        outcome: `not fixed: ${result.stop.detail}`,
        diff: result.diff,
      });
      await check.conclude(conclusion, checkRunOutput(events, true));
      if (conclusion !== 'neutral' && conclusion !== 'cancelled') {
        await comment(octokit, repo, number, failureComment(request, events, observed.runUrl ?? check.url));
      }
      log.info({ stop }, 'repair job finished without a fix');
      return;
    }
    const slug = await deps.appSlug();
    const publication = await publishFix({
      octokit,
      token,
      git: prepared.git,
      request,
      result,
      events,
      bot: { name: `${slug}[bot]`, email: `${slug}[bot]@users.noreply.github.com` },
      delivery: config.delivery,
      ...(observed.runUrl ? { runUrl: observed.runUrl } : {}),
    });
    deps.web?.metrics.publications.inc({ mode: config.delivery.mode, kind: publication.kind });
    const told = announce(publication, checkRunOutput(events, true), result, observed.runUrl);
    observed.finish('done', stop, { outcome: told.outcome, links: told.links, diff: result.diff });
    await check.conclude(told.conclusion, told.output);
    if (told.comment) await comment(octokit, repo, number, told.comment);
    log.info({ stop, delivery: publication.kind }, 'repair job delivered a fix');
  } catch (error) {
    const message = userFacingMessage(error);
    log.error({ err: error }, 'repair job failed');
    await reporter.flush();
    const aborted = signal.aborted;
    observed.finish(aborted ? 'cancelled' : 'failed', aborted ? 'aborted' : 'error', {
      outcome: aborted ? `stopped: ${String(signal.reason ?? 'cancelled')}` : `failed: ${message}`,
    });
    await check.conclude(aborted ? 'cancelled' : 'failure', {
      title: aborted ? 'Stopped' : 'Repair failed',
      summary: aborted ? `Stopped: ${String(signal.reason ?? 'cancelled')}` : message,
    });
    if (!aborted) await comment(octokit, repo, number, `mimo-code could not run the repair: ${message}`);
    if (!aborted) throw error;
  } finally {
    await prepared?.cleanup();
  }
}
