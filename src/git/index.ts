// git/: clone with an installation token on the host only, branch, commit exactly the recorded edits, push.
// The git dir lives outside the work tree the sandbox mounts; host-side git runs with hooks and fsmonitor off.
export { GitWorkspace } from './workspace.js';
export type { CloneOptions, CommitAuthor, PushOptions } from './workspace.js';
export {
  GitError,
  CloneError,
  PushDeniedError,
  PushRejectedError,
  NothingToCommitError,
  InvalidInputError,
} from './errors.js';
export type { CloneFailure, PushDenial } from './errors.js';
export { redact } from './redact.js';
export { GitObjectCache, type CacheLease, type GitObjectCacheOptions } from './cache.js';
export { applyEdits, editPathParts, EditConflictError, UnsafeEditPathError } from './apply-edits.js';
export type { RecordedEdit } from './apply-edits.js';
export { resolveInTree, repoPathResolver } from './resolve-path.js';
export type { TreePath } from './resolve-path.js';
