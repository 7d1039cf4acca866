import { fitGithubText, type Octokit, type RepoId } from './octokit.js';

export const CHECK_NAME = 'mimo fix';

export type CheckConclusion = 'success' | 'failure' | 'neutral' | 'cancelled';

export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
}

function output(o: CheckOutput) {
  return {
    title: o.title.slice(0, 255),
    summary: fitGithubText(o.summary),
    ...(o.text ? { text: fitGithubText(o.text) } : {}),
  };
}

/**
 * The "mimo fix" check run on the commit being repaired: created when the job starts, updated every iteration,
 * concluded with the stop reason. A failed repair never concludes `success`.
 */
export class RepairCheckRun {
  private constructor(
    private readonly octokit: Octokit,
    private readonly repo: RepoId,
    readonly id: number,
    readonly url: string,
  ) {}

  static async create(
    octokit: Octokit,
    repo: RepoId,
    headSha: string,
    detailsUrl?: string,
  ): Promise<RepairCheckRun> {
    const { data } = await octokit.rest.checks.create({
      ...repo,
      name: CHECK_NAME,
      head_sha: headSha,
      status: 'in_progress',
      started_at: new Date().toISOString(),
      ...(detailsUrl ? { details_url: detailsUrl } : {}),
      output: { title: 'Repair started', summary: 'Running the tests to see what fails…' },
    });
    return new RepairCheckRun(octokit, repo, data.id, data.html_url ?? '');
  }

  async update(o: CheckOutput): Promise<void> {
    await this.octokit.rest.checks.update({
      ...this.repo,
      check_run_id: this.id,
      status: 'in_progress',
      output: output(o),
    });
  }

  async conclude(conclusion: CheckConclusion, o: CheckOutput): Promise<void> {
    await this.octokit.rest.checks.update({
      ...this.repo,
      check_run_id: this.id,
      status: 'completed',
      conclusion,
      completed_at: new Date().toISOString(),
      output: output(o),
    });
  }
}

/**
 * Concludes "mimo fix" check runs of `headSha` left in progress by an attempt that died with its process, so a
 * resumed job does not leave a forever-spinning check beside its own.
 */
export async function concludeAbandonedCheckRuns(
  octokit: Octokit,
  repo: RepoId,
  headSha: string,
): Promise<number> {
  const { data } = await octokit.rest.checks.listForRef({
    ...repo,
    ref: headSha,
    check_name: CHECK_NAME,
    per_page: 100,
  });
  const abandoned = data.check_runs.filter((run) => run.status !== 'completed');
  for (const run of abandoned) {
    await octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      status: 'completed',
      conclusion: 'neutral',
      completed_at: new Date().toISOString(),
      output: {
        title: 'Interrupted',
        summary:
          'mimo-code restarted while this repair was running; the repair was resumed in a new check run.',
      },
    });
  }
  return abandoned.length;
}
