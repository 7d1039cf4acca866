// The double's memory: repositories (bare git repos on disk), pull requests, issues, comments, check runs,
// workflow runs and their logs. Tests arrange it directly and read it to assert what the app did.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Permission = 'admin' | 'write' | 'read' | 'none';

export interface PullState {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  user: string;
  headRepo: string;
  headRef: string;
  headSha: string;
  baseRef: string;
  maintainerCanModify: boolean;
}

export interface CommentState {
  id: number;
  issue: number;
  user: string;
  body: string;
}

export interface CheckRunState {
  id: number;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  detailsUrl?: string;
  updates: number;
  appSlug: string;
}

export interface WorkflowRunState {
  id: number;
  path: string;
  headSha: string;
  headBranch: string;
  conclusion: 'failure' | 'success';
  jobs: { id: number; name: string; conclusion: 'failure' | 'success'; log: string }[];
}

export interface ReviewState {
  id: number;
  pull: number;
  commitId: string;
  event: string;
  body: string;
  comments: { path: string; line: number; start_line?: number; side?: string; body: string }[];
}

export interface RepoState {
  owner: string;
  name: string;
  fullName: string;
  defaultBranch: string;
  bare: string;
  permissions: Map<string, Permission>;
  pulls: PullState[];
  issues: { number: number; title: string; body: string; user: string }[];
  comments: CommentState[];
  reactions: { commentId: number; content: string }[];
  checkRuns: CheckRunState[];
  workflowRuns: WorkflowRunState[];
  reviews: ReviewState[];
  nextNumber: number;
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Codertocat',
      GIT_AUTHOR_EMAIL: 'octo@example.com',
      GIT_COMMITTER_NAME: 'Codertocat',
      GIT_COMMITTER_EMAIL: 'octo@example.com',
    },
  }).trim();

export class DoubleState {
  readonly root = mkdtempSync(join(tmpdir(), 'github-double-'));
  readonly repos = new Map<string, RepoState>();
  readonly tokens = new Set<string>();
  private ids = 1000;

  nextId(): number {
    return ++this.ids;
  }

  /** A repository whose default branch holds `files` in one commit. */
  createRepo(fullName: string, files: Record<string, string>, defaultBranch = 'main'): RepoState {
    const [owner = '', name = ''] = fullName.split('/');
    const bare = join(this.root, owner, `${name}.git`);
    mkdirSync(bare, { recursive: true });
    git(bare, 'init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`);
    const work = mkdtempSync(join(tmpdir(), 'double-seed-'));
    git(work, 'init', '--quiet', `--initial-branch=${defaultBranch}`);
    this.writeFiles(work, files);
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', 'Initial commit');
    git(work, 'push', '--quiet', bare, `HEAD:refs/heads/${defaultBranch}`);
    const repo: RepoState = {
      owner,
      name,
      fullName,
      defaultBranch,
      bare,
      permissions: new Map(),
      pulls: [],
      issues: [],
      comments: [],
      reactions: [],
      checkRuns: [],
      workflowRuns: [],
      reviews: [],
      nextNumber: 1,
    };
    this.repos.set(fullName, repo);
    return repo;
  }

  private writeFiles(dir: string, files: Record<string, string>): void {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  }

  /** Pushes a branch off the default branch with `files` changed, and opens a PR (`refs/pull/N/head` as GitHub does). */
  openPullRequest(
    repo: RepoState,
    options: { branch: string; files: Record<string, string>; title: string; user?: string },
  ): PullState {
    const work = mkdtempSync(join(tmpdir(), 'double-pr-'));
    git(work, 'clone', '--quiet', repo.bare, '.');
    git(work, 'checkout', '--quiet', '-b', options.branch);
    this.writeFiles(work, options.files);
    git(work, 'add', '-A');
    git(work, 'commit', '--quiet', '-m', options.title);
    git(work, 'push', '--quiet', 'origin', options.branch);
    const sha = git(work, 'rev-parse', 'HEAD');
    const pull: PullState = {
      number: repo.nextNumber++,
      title: options.title,
      body: '',
      state: 'open',
      user: options.user ?? 'Codertocat',
      headRepo: repo.fullName,
      headRef: options.branch,
      headSha: sha,
      baseRef: repo.defaultBranch,
      maintainerCanModify: false,
    };
    git(repo.bare, 'update-ref', `refs/pull/${pull.number}/head`, sha);
    repo.pulls.push(pull);
    return pull;
  }

  /**
   * A pull request from a fork: the fork is a copy of `repo` under `forkOwner`, the branch is pushed there, and the
   * base repository gets `refs/pull/N/head` (fetched from the fork), as GitHub does.
   */
  openForkPullRequest(
    repo: RepoState,
    options: {
      forkOwner: string;
      branch: string;
      files: Record<string, string>;
      title: string;
      maintainerCanModify: boolean;
    },
  ): { pull: PullState; fork: RepoState } {
    const forkName = `${options.forkOwner}/${repo.name}`;
    const forkBare = join(this.root, options.forkOwner, `${repo.name}.git`);
    mkdirSync(dirname(forkBare), { recursive: true });
    git(this.root, 'clone', '--quiet', '--bare', repo.bare, forkBare);
    const fork: RepoState = { ...this.emptyRepo(forkName, repo.defaultBranch), bare: forkBare };
    this.repos.set(forkName, fork);
    const pushed = this.openPullRequest(fork, {
      branch: options.branch,
      files: options.files,
      title: options.title,
      user: options.forkOwner,
    });
    fork.pulls = [];
    const pull: PullState = {
      ...pushed,
      number: repo.nextNumber++,
      headRepo: forkName,
      maintainerCanModify: options.maintainerCanModify,
    };
    git(
      repo.bare,
      'fetch',
      '--quiet',
      forkBare,
      `refs/heads/${options.branch}:refs/pull/${pull.number}/head`,
    );
    repo.pulls.push(pull);
    return { pull, fork };
  }

  private emptyRepo(fullName: string, defaultBranch: string): RepoState {
    const [owner = '', name = ''] = fullName.split('/');
    return {
      owner,
      name,
      fullName,
      defaultBranch,
      bare: '',
      permissions: new Map(),
      pulls: [],
      issues: [],
      comments: [],
      reactions: [],
      checkRuns: [],
      workflowRuns: [],
      reviews: [],
      nextNumber: 1,
    };
  }

  /** Branch names of a bare repository. */
  branches(repo: RepoState): string[] {
    return git(repo.bare, 'for-each-ref', '--format=%(refname:short)', 'refs/heads')
      .split('\n')
      .filter(Boolean);
  }

  /** The tip of a branch in the bare repository, or null. */
  branchSha(repo: RepoState, branch: string): string | null {
    try {
      return git(repo.bare, 'rev-parse', `refs/heads/${branch}`);
    } catch {
      return null;
    }
  }

  fileAt(repo: RepoState, ref: string, path: string): string | null {
    try {
      return execFileSync('git', ['show', `${ref}:${path}`], {
        cwd: repo.bare,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      return null;
    }
  }
}
