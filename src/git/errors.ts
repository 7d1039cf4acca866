// Errors of the git organ. Every message is already redacted and says what the user can do about it.

export class GitError extends Error {
  constructor(
    message: string,
    /** git's own (redacted) output, when a git command failed. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export type CloneFailure =
  | 'invalid-target'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'ref-not-found'
  | 'commit-not-found'
  | 'network'
  | 'other';

export class CloneError extends GitError {
  constructor(
    message: string,
    readonly reason: CloneFailure,
    detail?: string,
  ) {
    super(message, detail);
  }
}

export type PushDenial = 'unauthenticated' | 'forbidden' | 'protected-branch' | 'remote-rejected';

/** The server refused the push: bad or expired token, no write permission, protected branch, or a server hook. */
export class PushDeniedError extends GitError {
  constructor(
    message: string,
    readonly reason: PushDenial,
    readonly branch: string,
    detail?: string,
  ) {
    super(message, detail);
  }
}

/** The branch moved on the server (non-fast-forward): fetch and rebuild, push with force, or use a new branch. */
export class PushRejectedError extends GitError {
  constructor(
    message: string,
    readonly branch: string,
    detail?: string,
  ) {
    super(message, detail);
  }
}

export class NothingToCommitError extends GitError {}

/** A path, branch name, URL or identity that cannot be used safely. */
export class InvalidInputError extends GitError {}

const has = (text: string, pattern: RegExp) => pattern.test(text);

const UNAUTHENTICATED =
  /returned error: 401|authentication failed|could not read (username|password)|terminal prompts disabled|invalid username or (password|token)/i;
const FORBIDDEN =
  /returned error: 403|permission to .* denied|permission denied|write access to repository not granted/i;

/** Classifies a failed fetch into a CloneError with a message that names the likely fix. */
export function cloneError(url: string, ref: string, detail: string): CloneError {
  const where = `cloning ${url} (ref ${ref}) failed`;
  if (has(detail, UNAUTHENTICATED)) {
    return new CloneError(
      `${where}: the server refused the credentials (HTTP 401). Check that the GitHub App is installed on this ` +
        'repository and that the installation token is fresh (they expire after one hour).',
      'unauthenticated',
      detail,
    );
  }
  if (has(detail, FORBIDDEN)) {
    return new CloneError(
      `${where}: access denied (HTTP 403). Grant the GitHub App the "Contents: read" permission on this repository.`,
      'forbidden',
      detail,
    );
  }
  if (has(detail, /repository .* not found|returned error: 404/i)) {
    return new CloneError(
      `${where}: the repository was not found. Check its name and that the App's installation includes it.`,
      'not-found',
      detail,
    );
  }
  if (has(detail, /couldn't find remote ref|no such ref|not our ref/i)) {
    return new CloneError(
      `${where}: the ref does not exist on the server (deleted branch or closed pull request?).`,
      'ref-not-found',
      detail,
    );
  }
  if (
    has(detail, /could not resolve host|failed to connect|connection refused|timed out|SSL|unable to access/i)
  ) {
    return new CloneError(
      `${where}: the server could not be reached. Check the network, proxy settings and the URL.`,
      'network',
      detail,
    );
  }
  return new CloneError(`${where}: ${firstLine(detail)}`, 'other', detail);
}

/** Classifies a failed push into PushDeniedError (refused by policy) or PushRejectedError (branch moved). */
export function pushError(url: string, branch: string, detail: string): GitError {
  const where = `pushing branch ${branch} to ${url} failed`;
  if (has(detail, /protected branch|GH006/i)) {
    return new PushDeniedError(
      `${where}: the branch is protected. Push the fix to a new branch and open a pull request instead.`,
      'protected-branch',
      branch,
      detail,
    );
  }
  if (has(detail, UNAUTHENTICATED)) {
    return new PushDeniedError(
      `${where}: the server refused the credentials (HTTP 401). Installation tokens expire after one hour: ` +
        'request a new one and retry.',
      'unauthenticated',
      branch,
      detail,
    );
  }
  if (has(detail, FORBIDDEN)) {
    return new PushDeniedError(
      `${where}: permission denied (HTTP 403). Grant the GitHub App "Contents: read and write" on this repository; ` +
        "for a fork's pull request branch, the author must allow edits from maintainers.",
      'forbidden',
      branch,
      detail,
    );
  }
  if (has(detail, /\[remote rejected\]|pre-receive hook declined/i)) {
    return new PushDeniedError(
      `${where}: the server rejected the update (${remoteReason(detail)}).`,
      'remote-rejected',
      branch,
      detail,
    );
  }
  if (has(detail, /\[rejected\]|non-fast-forward|fetch first|stale info/i)) {
    return new PushRejectedError(
      `${where}: the branch has commits the workspace does not (non-fast-forward). Rebuild the fix on the new ` +
        'head, push to a new branch, or push with force if overwriting is intended.',
      branch,
      detail,
    );
  }
  return new GitError(`${where}: ${firstLine(detail)}`, detail);
}

function remoteReason(detail: string): string {
  return /\[remote rejected\][^(]*\(([^)]*)\)/.exec(detail)?.[1] ?? firstLine(detail);
}

function firstLine(detail: string): string {
  const lines = detail
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? 'git exited with an error';
}
