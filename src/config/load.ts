import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { configSchema, MODEL_PROVIDERS, type RawConfig } from './schema.js';

export const CONFIG_PATH = '.github/mimo.yml';
/** Never editable by the agent, whatever the config says: workflows run with the repository's secrets. */
export const ALWAYS_DENIED = ['.github/workflows/**'];

export interface ModelSelection {
  provider: (typeof MODEL_PROVIDERS)[number];
  name?: string;
  baseUrl?: string;
  /** One string for `createModel`: `none`, `openai:gpt-4.1`, `openai-compatible:<baseURL>#<model>`, … */
  spec: string;
}

export type MimoConfig = Omit<RawConfig, 'model'> & { model: ModelSelection };

/** A config the user must fix; the message names the field, what was found and what is expected. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  const field = issue.path.map(String).join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${field}: ` : '';
    return `${where}unknown field ${issue.keys.map((k) => `\`${k}\``).join(', ')}`;
  }
  const found = describeFound(valueAt(input, issue.path));
  return `${field}: ${issue.message.replace(/^Invalid input: /, '')} (found ${found})`;
}

function parseModelSpec(spec: string): ModelSelection {
  if (spec === 'none') return { provider: 'none', spec };
  const colon = spec.indexOf(':');
  const provider = spec.slice(0, colon) as ModelSelection['provider'];
  const rest = spec.slice(colon + 1);
  if (colon <= 0 || !MODEL_PROVIDERS.includes(provider) || rest === '') {
    throw new ConfigError(
      `model: expected \`none\` or one of ${MODEL_PROVIDERS.filter((p) => p !== 'none')
        .map((p) => `\`${p}:…\``)
        .join(', ')} (found ${JSON.stringify(spec)})`,
      'model',
    );
  }
  if (provider === 'openai-compatible') {
    const hash = rest.lastIndexOf('#');
    if (hash <= 0 || hash === rest.length - 1) {
      throw new ConfigError(
        `model: expected \`openai-compatible:<baseURL>#<model>\`, e.g. \`openai-compatible:http://localhost:11434/v1#qwen2.5-coder\` (found ${JSON.stringify(spec)})`,
        'model',
      );
    }
    return { provider, baseUrl: rest.slice(0, hash), name: rest.slice(hash + 1), spec };
  }
  return { provider, name: rest, spec };
}

function normalizeModel(model: RawConfig['model']): ModelSelection {
  if (typeof model === 'string') return parseModelSpec(model);
  if (model.provider === 'none') return { provider: 'none', spec: 'none' };
  if (!model.name)
    throw new ConfigError(`model.name: required for provider \`${model.provider}\``, 'model.name');
  if (model.provider === 'openai-compatible') {
    if (!model.baseUrl)
      throw new ConfigError('model.baseUrl: required for provider `openai-compatible`', 'model.baseUrl');
    return { ...model, spec: `openai-compatible:${model.baseUrl}#${model.name}` };
  }
  return { ...model, spec: `${model.provider}:${model.name}` };
}

/** Validates a parsed object (from YAML or built in code) into a complete config with defaults. */
export function validateConfig(input: unknown): MimoConfig {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = result.error.issues.map((issue) => issueMessage(issue, input));
    throw new ConfigError(
      `${CONFIG_PATH} is invalid:\n${lines.map((l) => `- ${l}`).join('\n')}`,
      result.error.issues[0]?.path.map(String).join('.'),
    );
  }
  const raw = result.data;
  const deny = [...new Set([...raw.paths.deny, ...ALWAYS_DENIED])];
  return { ...raw, paths: { ...raw.paths, deny }, model: normalizeModel(raw.model) };
}

/** Parses the text of `.github/mimo.yml`. An empty file means all defaults. */
export function parseConfig(text: string): MimoConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0]
      ? ` at line ${first.linePos[0].line}, column ${first.linePos[0].col}`
      : '';
    throw new ConfigError(`${CONFIG_PATH} is not valid YAML${where}: ${first.message.split('\n')[0]}`);
  }
  const value: unknown = doc.toJS();
  if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
    throw new ConfigError(`${CONFIG_PATH} must be a mapping of settings (found ${describeFound(value)})`);
  }
  return validateConfig(value);
}

export function defaultConfig(): MimoConfig {
  return validateConfig({});
}

/** Reads `DIR/.github/mimo.yml`; defaults when the file does not exist. */
export async function loadConfig(repoDir: string): Promise<MimoConfig> {
  let text: string;
  try {
    text = await readFile(join(repoDir, CONFIG_PATH), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultConfig();
    throw error;
  }
  return parseConfig(text);
}
