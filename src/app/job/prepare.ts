import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectTestCommand, inferSetup, type MimoConfig } from '../../config/index.js';
import { GitWorkspace, type CacheLease, type GitObjectCache } from '../../git/index.js';
import {
  failedCheckRunLogs,
  failedWorkflowRunLogs,
  fileAt,
  workflowHints,
  type FailedJobLog,
  type Octokit,
  type WorkflowHints,
} from '../../github/index.js';
import { runnerOfCommand } from '../../feedback/index.js';
import { ensureFamilyImage, familyOfRunner } from '../../sandbox/index.js';
import type { RepairRequest } from '../request.js';

/** Everything a repair needs, gathered on the host before any container starts. */
export interface PreparedJob {
  config: MimoConfig;
  git: GitWorkspace;
  /** The work tree that is bind-mounted into the sandbox (no `.git` inside). */
  dir: string;
  headSha: string;
  testCommand: string;
  setupCommand?: string;
  image?: string;
  /** Logs of the failed CI jobs, to show the model what CI saw. */
  ciLogs: FailedJobLog[];
  hints: WorkflowHints | null;
  cleanup(): Promise<void>;
}

/**
 * A job's lease on its repository's kept mirror, asked for as soon as the job has its token: the mirror's fetch (the
 * longest step before the sandbox) then runs while the job reads its config and creates its check run. `take` gives
 * it to the clone; `drop` releases it when the job ends (again after the clone's cleanup: releasing is idempotent).
 */
export interface EarlyLease {
  take(): Promise<CacheLease>;
  drop(): void;
}

export function leaseEarly(cache: GitObjectCache, request: RepairRequest, token: string): EarlyLease {
  const lease = cache.lease(request.repo.cloneUrl, { ref: cloneRef(request), token });
  lease.catch(() => undefined); // seen by take() when the job gets that far
  return {
    take: () => lease,
    drop: () =>
      void lease.then(
        (held) => held.release(),
        () => undefined,
      ),
  };
}

const cloneRef = (request: RepairRequest) =>
  request.pr ? `refs/pull/${request.pr.number}/head` : request.repo.defaultBranch;

/** The job cannot run as configured; the message is posted to the user as is. */
export class JobSetupError extends Error {
  override name = 'JobSetupError';
}

async function seedFromCi(octokit: Octokit, request: RepairRequest) {
  const repo = { owner: request.repo.owner, repo: request.repo.name };
  const ciLogs = request.failedWorkflowRunId
    ? await failedWorkflowRunLogs(octokit, repo, request.failedWorkflowRunId)
    : request.failedCheckRunIds
      ? await failedCheckRunLogs(octokit, repo, request.failedCheckRunIds)
      : [];
  const first = ciLogs.find((log) => log.workflowPath);
  const workflow =
    first?.workflowPath && request.pr
      ? await fileAt(octokit, repo, first.workflowPath, request.pr.headSha)
      : null;
  return { ciLogs, hints: workflow && first ? workflowHints(workflow, first.name) : null };
}

/**
 * Clones the commit to repair (a PR's head through the base repository's `refs/pull/N/head`, so forks need no
 * access of their own; an issue's default branch) and picks the commands: the config (read from the default
 * branch by the caller, never from the PR) first, then the failing CI job's own steps, then detection.
 */
export async function prepareJob(
  octokit: Octokit,
  token: string,
  request: RepairRequest,
  options: { workRoot?: string; config: MimoConfig; mirror?: EarlyLease },
): Promise<PreparedJob> {
  const { config } = options;
  const root = options.workRoot ?? tmpdir();
  await mkdir(root, { recursive: true });
  const base = await mkdtemp(join(root, 'mimo-job-'));
  const dir = join(base, 'work');
  let release = () => {};
  const cleanup = async () => {
    await rm(base, { recursive: true, force: true });
    release();
  };
  try {
    const ref = cloneRef(request);
    // The repository's kept mirror is brought up to date first; the clone borrows its objects (alternates) and
    // fetches only what the mirror lacks. The lease keeps the mirror from eviction until the job is cleaned up.
    const lease = await options.mirror?.take();
    if (lease) release = lease.release;
    const git = await GitWorkspace.clone({
      url: request.repo.cloneUrl,
      token,
      ref,
      ...(request.pr ? { sha: request.pr.headSha } : {}),
      dir,
      gitDir: join(base, 'git'),
      ...(lease ? { reference: lease.objectsDir } : {}),
      ...(lease?.commit ? { referenceCommit: lease.commit } : {}),
    });
    const headSha = await git.headSha();
    const { ciLogs, hints } = await seedFromCi(octokit, request);
    let testCommand = config.test ?? hints?.test;
    if (!testCommand) {
      const detected = await detectTestCommand(dir);
      if (!detected.ok) throw new JobSetupError(detected.message);
      testCommand = detected.command;
    }
    // The JVM/Ruby/PHP image when the failing job set that ecosystem up or the test command is its runner's.
    const family = hints?.family ?? familyOfRunner(runnerOfCommand(testCommand) ?? '');
    const image = config.image ?? hints?.image ?? (family ? await ensureFamilyImage(family) : undefined);
    // The config first, then the failing CI job's own install steps, then what the repository's files imply.
    const setupCommand =
      config.setup ??
      (hints && hints.setup.length > 0 ? hints.setup.join(' && ') : (await inferSetup(dir))?.command);
    return {
      config,
      git,
      dir,
      headSha,
      testCommand,
      ...(setupCommand ? { setupCommand } : {}),
      ...(image ? { image } : {}),
      ciLogs,
      hints,
      cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
