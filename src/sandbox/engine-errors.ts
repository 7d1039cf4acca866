/**
 * What the Docker engine's failures mean, decided in one place. dockerode rejects with a plain Error: an HTTP answer
 * carries `statusCode` (and the engine's own message), a failed connection a Node errno `code`. Callers never read
 * those fields: they classify with `engineError` and match the classes below with `instanceof`, or use the predicates.
 */
import { EngineUnreachableError } from './errors.js';

/** The engine answered a request with an error status. */
export class EngineRequestError extends Error {
  override name = 'EngineRequestError';
  constructor(
    readonly statusCode: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** 404: no such container, image, network or exec. */
export class EngineNotFoundError extends EngineRequestError {
  override name = 'EngineNotFoundError';
}

/** 409: the object is in the wrong state (a name in use, a removal already in progress, a running container). */
export class EngineConflictError extends EngineRequestError {
  override name = 'EngineConflictError';
}

/** Node errno codes of a connection to the engine that failed, as the user should read them. */
const CONNECTION_FAILURES: Record<string, string> = {
  ENOENT: 'no socket there',
  EACCES: 'permission denied on the socket',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

/**
 * A field of a thrown value. Not `instanceof Error`: errors of Node's own sockets come from another realm under a
 * test runner's VM context, and the check would miss them.
 */
function fieldOf(error: unknown, key: 'statusCode' | 'code' | 'message'): unknown {
  return typeof error === 'object' && error !== null && key in error
    ? (Reflect.get(error, key) as unknown)
    : undefined;
}

/** Why a connection to the engine failed, or undefined when `error` is not a connection failure. */
export function connectionFailure(error: unknown): string | undefined {
  const code = fieldOf(error, 'code');
  return typeof code === 'string' ? CONNECTION_FAILURES[code] : undefined;
}

/** The message of a thrown value, whatever threw it. */
export function messageOf(error: unknown): string {
  const message = fieldOf(error, 'message');
  return typeof message === 'string' ? message : String(error);
}

/**
 * The typed form of an error a dockerode call rejected with: EngineNotFoundError, EngineConflictError or
 * EngineRequestError for an answer, EngineUnreachableError (naming `endpoint`) for a failed connection, and
 * anything else unchanged (already typed, or not the engine's).
 */
export function engineError(error: unknown, endpoint = 'the configured endpoint'): unknown {
  if (error instanceof EngineRequestError || error instanceof EngineUnreachableError) return error;
  const status = fieldOf(error, 'statusCode');
  if (typeof status === 'number') {
    const Typed =
      status === 404 ? EngineNotFoundError : status === 409 ? EngineConflictError : EngineRequestError;
    return new Typed(status, messageOf(error), { cause: error });
  }
  const failure = connectionFailure(error);
  return failure ? new EngineUnreachableError(endpoint, failure) : error;
}

export function isNotFound(error: unknown): boolean {
  return engineError(error) instanceof EngineNotFoundError;
}

export function isConflict(error: unknown): boolean {
  return engineError(error) instanceof EngineConflictError;
}

/**
 * For `.catch` on a removal: swallows "already gone" (404) and "being removed by its owner" (409), rethrows the
 * rest in its typed form.
 */
export function ignoreGone(error: unknown): void {
  const typed = engineError(error);
  if (typed instanceof EngineNotFoundError || typed instanceof EngineConflictError) return;
  throw typed;
}
