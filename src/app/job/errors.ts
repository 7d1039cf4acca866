import { ConfigError } from '../../config/index.js';
import { EditConflictError, GitError, UnsafeEditPathError } from '../../git/index.js';
import { ModelError, ModelConfigError } from '../../models/index.js';
import { EngineUnreachableError, ImageMissingError } from '../../sandbox/index.js';
import { JobSetupError } from './prepare.js';

const ACTIONABLE = [
  ConfigError,
  GitError,
  EditConflictError,
  UnsafeEditPathError,
  ModelError,
  ModelConfigError,
  EngineUnreachableError,
  ImageMissingError,
  JobSetupError,
];

/**
 * What a user may read about a failure: the message of errors written for users, and nothing else — never a stack
 * trace, an internal message or a secret in a public comment.
 */
export function userFacingMessage(error: unknown): string {
  if (ACTIONABLE.some((kind) => error instanceof kind)) return (error as Error).message;
  return "an internal error stopped the repair; the app's logs have the details.";
}
