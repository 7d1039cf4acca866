// Errors of the model layer. Their messages are safe to post publicly: one line a user can act on, never a stack
// trace, a request body or an API key.
import {
  APIConnectionError as AnthropicConnectionError,
  APIConnectionTimeoutError as AnthropicTimeoutError,
  APIError as AnthropicAPIError,
} from '@anthropic-ai/sdk';
import {
  APIConnectionError as OpenAIConnectionError,
  APIConnectionTimeoutError as OpenAITimeoutError,
  APIError as OpenAIAPIError,
} from 'openai';

export type ModelErrorKind =
  | 'auth'
  | 'permission'
  | 'model_not_found'
  | 'rate_limited'
  | 'quota'
  | 'overloaded'
  | 'server'
  | 'bad_request'
  | 'network'
  | 'aborted'
  | 'script';

/** A model call failed. `message` names the provider and what to do; `retryable` says whether waiting may help. */
export class ModelError extends Error {
  override name = 'ModelError';
  constructor(
    message: string,
    readonly kind: ModelErrorKind,
    readonly provider: string,
    readonly status?: number,
    /** Delay the server asked for, in ms (from `retry-after-ms` / `retry-after`). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return (
      this.kind === 'rate_limited' ||
      this.kind === 'overloaded' ||
      this.kind === 'server' ||
      this.kind === 'network'
    );
  }
}

/** The model selection or its environment is wrong (bad spec, missing key, unreadable script): exit code 2. */
export class ModelConfigError extends Error {
  override name = 'ModelConfigError';
}

/** What the adapters know about the call, to word the message. */
export interface ErrorContext {
  /** `openai`, `anthropic`, `openai-compatible server http://…`. */
  provider: string;
  model: string;
  /** Environment variable holding the key, named in the 401 message. */
  keyEnv: string;
  /** Secrets to scrub from any provider text we quote. */
  secrets?: string[];
}

/** Key-like tokens, credentials in headers, and organization/project ids (not secret, but not for a public PR). */
const KEY_PATTERNS = [
  /\bsk-[A-Za-z0-9_*.-]{6,}/g,
  /\b(?:Bearer|x-api-key:?)\s+\S+/gi,
  /\b(?:org|proj)[-_][A-Za-z0-9]{6,}/g,
];

/** Removes anything that looks like a key from provider text, and bounds its length. */
export function redact(text: string, secrets: string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, '[redacted]');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 300 ? `${out.slice(0, 297)}...` : out;
}

/** Parses `retry-after-ms` or `retry-after` (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(
  headers: Headers | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value == null) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now());
}

interface HttpFailure {
  status: number;
  headers?: Headers;
  message: string;
  type: string;
  code: string;
}

function httpFailure(error: unknown): HttpFailure | undefined {
  if (!(error instanceof OpenAIAPIError || error instanceof AnthropicAPIError)) return undefined;
  if (typeof error.status !== 'number') return undefined;
  // Both SDKs keep the parsed body in `error.error`: OpenAI as `{message,type,code}`, Anthropic as the whole envelope
  // `{type:'error', error:{type,message}}`. OpenAI-compatible servers sometimes send `{error:"text"}`.
  const body = (error.error ?? {}) as Record<string, unknown>;
  const inner = (typeof body.error === 'object' && body.error !== null ? body.error : body) as Record<
    string,
    unknown
  >;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    status: error.status,
    headers: error.headers instanceof Headers ? error.headers : undefined,
    message: text(inner.message) || text(body.error) || text(body.message),
    type: text(inner.type),
    code: text(inner.code),
  };
}

const MODEL_MISSING =
  /model[^.]*(not[ _]found|does not exist|not exist|unknown|invalid)|no such model|not_found_error/i;

/** Turns whatever an SDK threw into a `ModelError` with an actionable, key-free message. */
export function toModelError(error: unknown, context: ErrorContext): ModelError {
  if (error instanceof ModelError) return error;
  const { provider, model, keyEnv } = context;
  const quote = (text: string) => (text ? `: ${redact(text, context.secrets)}` : '');
  const http = httpFailure(error);
  if (!http) {
    if (isAbort(error))
      return new ModelError(
        `the call to ${provider} was cancelled (time budget or stop)`,
        'aborted',
        provider,
      );
    if (error instanceof OpenAIConnectionError || error instanceof AnthropicConnectionError) {
      const timeout =
        error instanceof OpenAITimeoutError || error instanceof AnthropicTimeoutError ? ' (timed out)' : '';
      return new ModelError(
        `could not reach ${provider}${timeout}; check the network and the base URL`,
        'network',
        provider,
      );
    }
    const text = error instanceof Error ? error.message : String(error);
    return new ModelError(`the call to ${provider} failed${quote(text)}`, 'server', provider);
  }
  const { status, message, type, code } = http;
  const retryAfterMs = parseRetryAfter(http.headers);
  const make = (text: string, kind: ModelErrorKind) =>
    new ModelError(text, kind, provider, status, retryAfterMs);
  if (status === 401 || type === 'authentication_error' || code === 'invalid_api_key') {
    return make(`the API key for ${provider} was rejected (set ${keyEnv} to a valid key)`, 'auth');
  }
  const modelMissing = code === 'model_not_found' || MODEL_MISSING.test(`${message} ${type}`);
  if (modelMissing && (status === 400 || status === 404)) {
    const hint = provider.startsWith('openai-compatible') ? ` (for Ollama: ollama pull ${model})` : '';
    return make(
      `model "${model}" was not found at ${provider}${hint}; check the model name${quote(message)}`,
      'model_not_found',
    );
  }
  if (status === 404)
    return make(`${provider} answered 404 Not Found; check the base URL${quote(message)}`, 'bad_request');
  if (status === 403 || type === 'permission_error') {
    return make(
      `the API key for ${provider} may not use model "${model}" (${keyEnv})${quote(message)}`,
      'permission',
    );
  }
  if (status === 529 || type === 'overloaded_error')
    return make(`${provider} is overloaded${quote(message)}`, 'overloaded');
  if (code === 'insufficient_quota' || /credit balance is too low/i.test(message)) {
    return make(
      `the account behind ${keyEnv} has no credit or quota left at ${provider}${quote(message)}`,
      'quota',
    );
  }
  if (status === 429)
    return make(`${provider} rate limit reached for "${model}"${quote(message)}`, 'rate_limited');
  if (status === 408 || status === 409 || status >= 500) {
    return make(`${provider} had a server error (HTTP ${status})${quote(message)}`, 'server');
  }
  return make(`${provider} refused the request (HTTP ${status})${quote(message)}`, 'bad_request');
}

export function isAbort(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'AbortError' ||
      error.constructor.name === 'APIUserAbortError' ||
      /abort/i.test(error.name))
  );
}
