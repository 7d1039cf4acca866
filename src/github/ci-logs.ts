import type { Octokit, RepoId } from './octokit.js';

export interface FailedJobLog {
  jobId: number;
  /** The job's display name, e.g. `test (3.12)`. */
  name: string;
  log: string;
  /** Workflow file of the run, e.g. `.github/workflows/ci.yml`. */
  workflowPath?: string;
}

/** Failures are at the end of a log: keep its tail. */
const MAX_LOG_CHARS = 4 * 1024 * 1024;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/gm;

/** Actions prefixes every line with a timestamp; the parsers want the runner's own text. */
export function cleanActionsLog(text: string): string {
  const tail = text.length > MAX_LOG_CHARS ? text.slice(text.length - MAX_LOG_CHARS) : text;
  return tail.replace(TIMESTAMP, '');
}

async function jobLog(octokit: Octokit, repo: RepoId, jobId: number): Promise<string | null> {
  try {
    const { data } = await octokit.rest.actions.downloadJobLogsForWorkflowRun({ ...repo, job_id: jobId });
    return cleanActionsLog(typeof data === 'string' ? data : String(data));
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 404 || status === 410 || status === 403) return null; // expired, not an Actions job, or no access
    throw error;
  }
}

/** Logs of the failed jobs of a workflow run (latest attempt), to seed the first iteration with CI's own output. */
export async function failedWorkflowRunLogs(
  octokit: Octokit,
  repo: RepoId,
  runId: number,
): Promise<FailedJobLog[]> {
  const [{ data: run }, jobs] = await Promise.all([
    octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runId }),
    octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
      ...repo,
      run_id: runId,
      filter: 'latest',
      per_page: 100,
    }),
  ]);
  const failed = jobs.filter((job) => job.conclusion === 'failure' || job.conclusion === 'timed_out');
  const logs: FailedJobLog[] = [];
  for (const job of failed) {
    const log = await jobLog(octokit, repo, job.id);
    if (log !== null) logs.push({ jobId: job.id, name: job.name, log, workflowPath: run.path });
  }
  return logs;
}

/**
 * Logs of failed check runs. An Actions check run's id is its job id, so its log can be downloaded; other
 * checks (external CI) only offer the text they published in their output.
 */
export async function failedCheckRunLogs(
  octokit: Octokit,
  repo: RepoId,
  checkRunIds: number[],
): Promise<FailedJobLog[]> {
  const logs: FailedJobLog[] = [];
  for (const id of checkRunIds) {
    const { data: check } = await octokit.rest.checks.get({ ...repo, check_run_id: id });
    const log = await jobLog(octokit, repo, id);
    const text = log ?? [check.output.summary, check.output.text].filter(Boolean).join('\n');
    if (text) logs.push({ jobId: id, name: check.name, log: text });
  }
  return logs;
}
