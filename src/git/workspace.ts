// A repository checked out for one repair job. The work tree (`dir`) is what the sandbox mounts; the git dir lives
// elsewhere, so the container never sees `.git`, and every host-side git command is a GitRunner command.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CloneError,
  GitError,
  InvalidInputError,
  NothingToCommitError,
  cloneError,
  pushError,
} from './errors.js';
import { commitRecordedEdits } from './commit-edits.js';
import type { RecordedEdit } from './apply-edits.js';
import { GitRunner } from './runner.js';
import { branchName, commitId, fetchRef, identity, isWithin, remoteUrl, repoPath } from './validate.js';

export interface CloneOptions {
  /** Remote URL without credentials, e.g. `https://github.com/owner/repo.git`. */
  url: string;
  /** Installation token: sent as an HTTP header for the fetch only, never stored. */
  token?: string;
  /** Branch, tag or full ref to fetch (`main`, `refs/pull/12/head`). */
  ref: string;
  /** Commit to check out; fetched by id when the ref no longer points at it. Defaults to the ref's tip. */
  sha?: string;
  /** Work tree: must be missing or empty. This is the directory the sandbox mounts. */
  dir: string;
  /** Git dir: must be missing or empty and outside `dir`. */
  gitDir: string;
  /** Shallow fetch of this many commits (default: full history). */
  depth?: number;
  /** Stops the clone (and removes what it wrote) when aborted, e.g. the job's Budget.signal. */
  signal?: AbortSignal;
  /**
   * Objects directory of a local mirror to borrow objects from (git alternates; see GitObjectCache): the fetch
   * then transfers only what the mirror lacks. The mirror must outlive this clone (hold its lease).
   */
  reference?: string;
  /**
   * The ref's commit as the mirror just fetched it (CacheLease.commit): with `reference`, the clone takes it from the
   * borrowed objects instead of asking the remote a second time.
   */
  referenceCommit?: string;
}

export interface PushOptions {
  url: string;
  token?: string;
  /** Branch on the remote that receives the current HEAD. */
  branch: string;
  /** Overwrite the remote branch even when it has commits HEAD lacks. */
  force?: boolean;
  /** Stops the push when aborted. */
  signal?: AbortSignal;
}

export interface CommitAuthor {
  name: string;
  email: string;
}

export class GitWorkspace {
  private constructor(
    /** Absolute path of the work tree. */
    readonly dir: string,
    /** Absolute path of the git dir (outside the work tree). */
    readonly gitDir: string,
    private readonly git: GitRunner,
  ) {}

  /** Fetches `ref` (and `sha` when needed) from `url` into a fresh work tree with a separate git dir. */
  static async clone(options: CloneOptions): Promise<GitWorkspace> {
    const url = remoteUrl(options.url);
    const ref = fetchRef(options.ref);
    const sha = options.sha === undefined ? undefined : commitId(options.sha);
    const { dir, gitDir } = prepareDirs(options.dir, options.gitDir);
    const git = new GitRunner({ dir, gitDir });
    const depth = options.depth === undefined ? [] : [`--depth=${Math.max(1, Math.floor(options.depth))}`];
    const fetch = async (what: string) => {
      try {
        await git.run(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', ...depth, '--', url, what], {
          token: options.token,
          signal: options.signal,
        });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        throw error instanceof GitError ? cloneError(url, ref, error.detail ?? error.message) : error;
      }
    };
    try {
      await git.run(['init', '--quiet']);
      if (options.reference)
        writeFileSync(join(gitDir, 'objects', 'info', 'alternates'), `${resolve(options.reference)}\n`);
      // A private ref (not FETCH_HEAD, which would also record the URL) names what was cloned: the commit the
      // mirror fetched a moment ago when its objects are borrowed and hold it, else a fetch of the ref.
      const borrowed =
        options.reference && options.referenceCommit ? commitId(options.referenceCommit) : undefined;
      let target: string;
      if (borrowed && (await hasCommit(git, borrowed))) {
        await git.run(['update-ref', 'refs/mimo/source', borrowed]);
        target = borrowed;
      } else {
        await fetch(`+${ref}:refs/mimo/source`);
        target = (await git.run(['rev-parse', '--verify', 'refs/mimo/source^{commit}'])).trim();
      }
      if (sha && sha !== target) {
        if (!(await hasCommit(git, sha))) {
          await fetch(`+${sha}:refs/mimo/commit`).catch(() => undefined);
          if (!(await hasCommit(git, sha))) {
            throw new CloneError(
              `cloning ${url}: commit ${sha} is not on ${ref} and the server would not send it ` +
                "(force-pushed away?). Re-run on the pull request's current head.",
              'commit-not-found',
            );
          }
        }
        target = sha;
      }
      await git.run(['checkout', '--quiet', '--detach', target], { signal: options.signal });
      return new GitWorkspace(dir, gitDir, git);
    } catch (error) {
      rmSync(gitDir, { recursive: true, force: true });
      for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
      throw error;
    }
  }

  /** Reattaches to a workspace cloned earlier (e.g. a job resumed after a restart). */
  static async open(options: { dir: string; gitDir: string }): Promise<GitWorkspace> {
    const dir = resolve(options.dir);
    const gitDir = resolve(options.gitDir);
    if (isWithin(dir, gitDir) || isWithin(gitDir, dir)) {
      throw new InvalidInputError('the git dir and the work tree must be separate directories');
    }
    const git = new GitRunner({ dir, gitDir });
    await git.run(['rev-parse', '--verify', 'HEAD^{commit}']);
    return new GitWorkspace(dir, gitDir, git);
  }

  async headSha(): Promise<string> {
    return (await this.git.run(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
  }

  /** Creates `name` at HEAD and switches to it; the work tree and index are left as they are. */
  async createBranch(name: string): Promise<void> {
    await this.git.run(['checkout', '--quiet', '-b', branchName(name)]);
  }

  /** Paths (relative, `/`-separated, sorted) that differ from HEAD in the work tree, untracked files included. */
  async changedFiles(): Promise<string[]> {
    const out = await this.git.run([
      'status',
      '--porcelain=v1',
      '-z',
      '--no-renames',
      '--untracked-files=all',
      '--ignore-submodules=none',
    ]);
    const paths = out
      .split('\0')
      .filter((entry) => entry.length > 3)
      .map((entry) => entry.slice(3))
      .filter((path) => !path.split('/').some((part) => part.toLowerCase() === '.git'));
    return [...new Set(paths)].sort();
  }

  /**
   * Unified diff of the work tree against HEAD, new files included, limited to `paths` when given. Uses a throwaway
   * index so the real one (and the next commit) are untouched.
   */
  async diff(paths?: string[]): Promise<string> {
    const index = join(this.gitDir, `mimo-diff-${randomBytes(6).toString('hex')}.index`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.git.run(['read-tree', 'HEAD'], { env });
      if (paths === undefined) await this.git.run(['add', '--all'], { env });
      else await this.stage(paths.map(repoPath), env);
      return await this.git.run(
        ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', '--binary', 'HEAD'],
        { env },
      );
    } finally {
      rmSync(index, { force: true });
    }
  }

  /**
   * Commits exactly `paths` (added, modified or deleted) on top of HEAD and returns the new commit id. Anything
   * else that changed in the work tree — test output, caches, files the tests wrote — stays out of the commit.
   * A new file matched by `.gitignore` is left out too: the repository says it does not belong in commits.
   */
  async commit(paths: string[], message: string, author: CommitAuthor): Promise<string> {
    const wanted = paths.map(repoPath);
    const who = identity(author);
    if (!message.trim()) throw new InvalidInputError('a commit message is required');
    await this.git.run(['reset', '--quiet']);
    await this.stage(wanted);
    const staged = await this.git.run(['diff', '--cached', '--name-only', '-z']);
    if (!staged.replace(/\0/g, '')) {
      throw new NothingToCommitError(
        `nothing to commit: none of the ${wanted.length} recorded path(s) differ from HEAD`,
      );
    }
    await this.git.run(
      ['commit', '--quiet', '--no-verify', '--no-gpg-sign', '--cleanup=whitespace', '-m', message],
      {
        env: {
          GIT_AUTHOR_NAME: who.name,
          GIT_AUTHOR_EMAIL: who.email,
          GIT_COMMITTER_NAME: who.name,
          GIT_COMMITTER_EMAIL: who.email,
        },
      },
    );
    return this.headSha();
  }

  /**
   * Commits exactly the recorded edits on top of HEAD, each checked against HEAD's content (EditConflictError when
   * its `before` is not what HEAD holds): the work tree, which the repository's code ran in, is never read, so
   * nothing it wrote beside the edits can ride along. Paths through `.git`, symlinks or submodules are refused.
   */
  async commitEdits(edits: RecordedEdit[], message: string, author: CommitAuthor): Promise<string> {
    const who = identity(author);
    if (!message.trim()) throw new InvalidInputError('a commit message is required');
    return commitRecordedEdits(this.git, this.gitDir, edits, message, {
      GIT_AUTHOR_NAME: who.name,
      GIT_AUTHOR_EMAIL: who.email,
      GIT_COMMITTER_NAME: who.name,
      GIT_COMMITTER_EMAIL: who.email,
    });
  }

  /** Pushes HEAD to `refs/heads/<branch>` at `url`, with the token as a header for this one command. */
  async push(options: PushOptions): Promise<void> {
    const url = remoteUrl(options.url);
    const branch = branchName(options.branch);
    const refspec = `${options.force ? '+' : ''}HEAD:refs/heads/${branch}`;
    try {
      await this.git.run(['push', '--no-verify', '--', url, refspec], {
        token: options.token,
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw error instanceof GitError ? pushError(url, branch, error.detail ?? error.message) : error;
    }
  }

  /** Stages `paths` into the index named by `env` (the real one by default), skipping ignored new files. */
  private async stage(paths: string[], env?: Record<string, string>): Promise<void> {
    if (paths.length === 0) return;
    const tracked = new Set(
      (await this.git.run(['ls-files', '-z', '--', ...paths], { env })).split('\0').filter(Boolean),
    );
    const ignored = new Set(
      (
        await this.git.run(
          ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...paths],
          { env },
        )
      )
        .split('\0')
        .filter(Boolean),
    );
    const present = paths.filter(
      (path) => !ignored.has(path) && (tracked.has(path) || exists(join(this.dir, path))),
    );
    if (present.length > 0) await this.git.run(['add', '--all', '--', ...present], { env });
  }
}

async function hasCommit(git: GitRunner, sha: string): Promise<boolean> {
  const out = await git.run(['rev-parse', '--quiet', '--verify', `${sha}^{commit}`]).catch(() => '');
  return out.trim() === sha;
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Resolves and creates the two directories, refusing non-empty ones and a git dir inside the work tree. */
function prepareDirs(dirOption: string, gitDirOption: string): { dir: string; gitDir: string } {
  const dir = resolve(dirOption);
  const gitDir = resolve(gitDirOption);
  if (isWithin(dir, gitDir) || isWithin(gitDir, dir)) {
    throw new InvalidInputError(
      `the git dir (${gitDir}) and the work tree (${dir}) must be separate: the sandbox mounts the work tree`,
    );
  }
  for (const path of [dir, gitDir]) {
    mkdirSync(path, { recursive: true });
    if (readdirSync(path).length > 0) throw new InvalidInputError(`${path} must be empty to clone into it`);
  }
  return { dir, gitDir };
}
