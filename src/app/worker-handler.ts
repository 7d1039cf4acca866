import { applyCeilings, ceilingsFromEnv, ConfigError, describeClamp } from '../config/index.js';
import {
  comment,
  concludeAbandonedCheckRuns,
  RepairCheckRun,
  type CheckConclusion,
  type Octokit,
} from '../github/index.js';
import type { JobHandler } from '../jobs/index.js';
import type { StopReason } from '../repair/index.js';
import { configErrorComment, loadRepoConfig } from './deps.js';
import { CheckRunReporter } from './job/check-reporter.js';
import { executeRepair } from './job/execute.js';
import { prepareJob, type PreparedJob } from './job/prepare.js';
import { publishFix } from './job/publish.js';
import { userFacingMessage } from './job/errors.js';
import { checkRunOutput, failureComment } from './report.js';
import type { RepairRequest } from './request.js';

export interface JobHandlerDeps {
  /** An installation Octokit and its token (the token goes to host-side git only). */
  auth(installationId: number): Promise<{ octokit: Octokit; token: string }>;
  appSlug(): Promise<string>;
  env: Record<string, string | undefined>;
  workRoot?: string;
  log: {
    info(obj: object, msg: string): void;
    warn(obj: object, msg: string): void;
    error(obj: object, msg: string): void;
  };
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
    const repo = { owner: request.repo.owner, repo: request.repo.name };
    const number = request.pr?.number ?? request.issue?.number ?? 0;
    const { octokit, token } = await deps.auth(request.installationId);
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
    const ceiled = applyCeilings(config, ceilingsFromEnv(deps.env));
    for (const c of ceiled.clamped) deps.log.info({ job: job.id, ...c }, describeClamp(c));
    config = ceiled.config;
    const headSha =
      request.pr?.headSha ??
      (await octokit.rest.repos.getBranch({ ...repo, branch: request.repo.defaultBranch })).data.commit.sha;
    if (job.attempts > 1) await concludeAbandonedCheckRuns(octokit, repo, headSha);
    const check = await RepairCheckRun.create(octokit, repo, headSha);
    const reporter = new CheckRunReporter(check, (error) =>
      deps.log.warn({ err: error }, 'check run update failed'),
    );
    let prepared: PreparedJob | undefined;
    try {
      prepared = await prepareJob(octokit, token, request, { workRoot: deps.workRoot, config });
      const executed = await executeRepair(prepared, {
        env: deps.env,
        signal,
        reporter,
        mode: request.mode,
        jobId: job.id,
        onImageProgress: ({ image, message }) =>
          deps.log.info({ image }, `building the sandbox image: ${message}`),
        ...(request.issue ? { issue: { title: request.issue.title, body: request.issue.body } } : {}),
        ...(request.instructions ? { instructions: request.instructions } : {}),
      });
      await reporter.flush();
      const events = executed.log.events;
      const { result } = executed;
      if (!result.success) {
        const conclusion = CONCLUSION[result.stop.reason] ?? 'failure';
        await check.conclude(conclusion, checkRunOutput(events, true));
        if (conclusion !== 'neutral' && conclusion !== 'cancelled') {
          await comment(octokit, repo, number, failureComment(request, events, check.url));
        }
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
      });
      const output = checkRunOutput(events, true);
      if (publication.kind === 'pull_request') {
        output.summary = `Fix pull request: ${publication.url}\n\n${output.summary}`;
        await check.conclude('success', output);
        await comment(
          octokit,
          repo,
          number,
          `The tests pass with the fix in ${publication.url} (opened by mimo-code).`,
        );
      } else if (publication.kind === 'pushed_to_fork') {
        await check.conclude('success', output);
        await comment(
          octokit,
          repo,
          number,
          `I pushed the fix as ${publication.sha.slice(0, 7)} to \`${publication.branch}\`.`,
        );
      } else {
        output.summary = `${publication.reason} The patch is in ${publication.url}.\n\n${output.summary}`;
        output.text = `\`\`\`diff\n${result.diff}\n\`\`\`\n\n${output.text}`;
        await check.conclude('neutral', output);
      }
    } catch (error) {
      const message = userFacingMessage(error);
      deps.log.error({ err: error, job: job.id }, 'repair job failed');
      await reporter.flush();
      const aborted = signal.aborted;
      await check.conclude(aborted ? 'cancelled' : 'failure', {
        title: aborted ? 'Stopped' : 'Repair failed',
        summary: aborted ? `Stopped: ${String(signal.reason ?? 'cancelled')}` : message,
      });
      if (!aborted) await comment(octokit, repo, number, `mimo-code could not run the repair: ${message}`);
      if (!aborted) throw error;
    } finally {
      await prepared?.cleanup();
    }
  };
}
