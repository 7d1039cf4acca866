import type { MimoConfig } from '../../config/index.js';
import type { JobRecord } from '../../jobs/index.js';
import { fanOut, type Reporter, type StopReason } from '../../repair/index.js';
import type { RunMeta, Web } from '../../web/index.js';
import type { RepairRequest } from '../request.js';

/** What one job reports besides the check run: its run page (live log) and the process's metrics. */
export interface JobObservation {
  reporter: Reporter;
  runUrl?: string;
  finish(
    state: 'done' | 'failed' | 'cancelled',
    stop: StopReason | 'none',
    end?: Partial<Pick<RunMeta, 'outcome' | 'links' | 'diff'>>,
  ): void;
}

/** The metrics' model label: the repository's model, or the app's default when the repository names none. */
export function modelLabel(config: MimoConfig, defaultModel: string | undefined): string {
  return config.model.provider === 'none' && defaultModel ? defaultModel : config.model.spec;
}

/** Starts the job's run record and metrics; without a web organ (tests, bare workers) it reports nowhere. */
export function observeJob(
  web: Web | undefined,
  job: JobRecord<RepairRequest>,
  model: string,
): JobObservation {
  if (!web) return { reporter: fanOut(), finish: () => {} };
  const request = job.payload;
  web.metrics.jobStarted(Date.now() - job.createdAt);
  const run = web.runs.start({
    jobId: job.id,
    installationId: request.installationId,
    repo: request.repo.fullName,
    target: request.pr ? `#${request.pr.number}` : `issue #${request.issue?.number}`,
    ...(request.pr ? { title: request.pr.title, headSha: request.pr.headSha } : {}),
    ...(request.issue ? { title: request.issue.title } : {}),
    deliveryId: request.deliveryId,
    requestedBy: request.requestedBy,
  });
  const runUrl = web.runUrl(job.id);
  let finished = false;
  return {
    reporter: fanOut(run, web.metrics.reporter(request.repo.fullName, model)),
    ...(runUrl ? { runUrl } : {}),
    finish(state, stop, end = {}) {
      if (finished) return;
      finished = true;
      web.metrics.jobFinished(state, stop);
      web.runs.finish(job.id, { state, ...end });
    },
  };
}
