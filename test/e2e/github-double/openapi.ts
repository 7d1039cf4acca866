// Validates the double's traffic against GitHub's own OpenAPI description (@octokit/openapi), so the double
// cannot drift from GitHub: a request body the app sends or a response the double returns that GitHub's schema
// rejects is recorded as a violation, and the journeys assert there are none.
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);
// ajv and ajv-formats are CommonJS; load them the CommonJS way to get the constructors.
const Ajv = require('ajv') as typeof import('ajv').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;

interface Operation {
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
const spec = require('@octokit/openapi/generated/api.github.com.deref.json') as {
  paths: Record<string, Record<string, Operation>>;
};
const examples = (
  require('@octokit/openapi/generated/api.github.com.json') as {
    components: { examples: Record<string, { value: unknown }> };
  }
).components.examples;

// GitHub's schemas use custom formats (e.g. repo.nwo) that ajv does not know: not a violation, so no warnings.
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
addFormats(ajv);

interface Template {
  path: string;
  pattern: RegExp;
}
const templates: Template[] = Object.keys(spec.paths).map((path) => ({
  path,
  pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
// `/contents/{path}` takes slashes (URL-encoded by Octokit, decoded by the router).
const CONTENTS = /^\/repos\/[^/]+\/[^/]+\/contents\/.+$/;

function operation(method: string, path: string): { template: string; op: Operation } | null {
  const template = CONTENTS.test(path)
    ? '/repos/{owner}/{repo}/contents/{path}'
    : templates
        .filter((t) => t.pattern.test(path))
        .sort((a, b) => b.path.split('{').length - a.path.split('{').length)
        .pop()?.path;
  const op = template ? spec.paths[template]?.[method.toLowerCase()] : undefined;
  return template && op ? { template, op } : null;
}

/**
 * OpenAPI 3.0's `nullable: true` also admits null where an `enum` lists the values, which JSON Schema (and ajv's
 * `nullable` support, which only widens `type`) does not: add null to such enums.
 */
function nullableEnums(node: unknown, seen = new WeakSet<object>()): void {
  if (node === null || typeof node !== 'object' || seen.has(node)) return;
  seen.add(node);
  for (const value of Object.values(node)) nullableEnums(value, seen);
  const schema = node as Record<string, unknown> & { nullable?: boolean; enum?: unknown[]; type?: unknown };
  if (schema.nullable !== true) return;
  if (Array.isArray(schema.enum) && !schema.enum.includes(null)) schema.enum.push(null);
  if (schema.type === undefined) {
    // ajv's `nullable` needs a `type`; without one (allOf/$ref wrappers) say it the JSON Schema way.
    const inner = { ...schema };
    delete inner.nullable;
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [inner, { type: 'null' }];
  }
}

const compiled = new Map<object, ValidateFunction>();
function validator(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    nullableEnums(schema);
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

function check(schema: object | undefined, body: unknown, what: string): string[] {
  if (!schema) return [];
  const fn = validator(schema);
  return fn(body) ? [] : (fn.errors ?? []).slice(0, 5).map((e) => `${what}${e.instancePath} ${e.message}`);
}

/** Problems with one exchange; `[]` when GitHub's schema accepts both sides (or the operation has no schema). */
export function validateExchange(
  method: string,
  path: string,
  requestBody: unknown,
  status: number,
  responseBody: unknown,
): string[] {
  const found = operation(method, path);
  if (!found) return [`${method} ${path}: not an operation of GitHub's REST API`];
  const { op, template } = found;
  const where = `${method} ${template}`;
  const problems: string[] = [];
  const requestSchema = op.requestBody?.content?.['application/json']?.schema;
  if (requestBody !== undefined && requestSchema)
    problems.push(...check(requestSchema, requestBody, `${where} request`));
  const responseSchema = op.responses?.[String(status)]?.content?.['application/json']?.schema;
  if (!op.responses?.[String(status)]) problems.push(`${where}: GitHub does not document status ${status}`);
  else if (responseBody !== undefined)
    problems.push(...check(responseSchema, responseBody, `${where} response`));
  return problems;
}

/** A documented example response, deep-copied for editing. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function example(name: string): any {
  const found = examples[name];
  if (!found) throw new Error(`no OpenAPI example named ${name}`);
  return structuredClone(found.value);
}
