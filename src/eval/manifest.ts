import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ManifestError, ManifestLineError } from './errors.js';
import type { EvalCase } from './types.js';

/** Case ids name files (logs/ID.jsonl): letters, digits, `.`, `_` and `-` (SWE-bench ids fit). */
export const CaseId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/,
    'letters, digits, ".", "_" and "-", starting with a letter or digit',
  );

const command = z.string().trim().min(1, 'a non-empty command');

export const ManifestLine = z.strictObject({
  id: CaseId,
  /** The case's repository folder, relative to the manifest. */
  repo: z.string().min(1, 'a folder relative to the manifest'),
  test: command,
  setup: command.optional(),
  failing: z.array(z.string().min(1)).optional(),
  image: z.string().min(1).optional(),
});

/** Issues as `field: problem`, the way config errors read. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? `"${i.path.join('.')}"` : 'the line'}: ${i.message}`)
    .join('; ');
}

export interface ParsedManifest {
  cases: EvalCase[];
  /** Lines that are not valid cases, each naming its line number; the other cases still run. */
  invalid: ManifestLineError[];
}

/**
 * Reads a JSONL manifest: one case per line, blank lines and `//` comment lines skipped. A line that is not JSON, not
 * a case, names a missing folder or repeats an id is reported with its line number and left out.
 */
export function parseManifest(text: string, source: string, baseDir: string): ParsedManifest {
  const cases: EvalCase[] = [];
  const invalid: ManifestLineError[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('//')) return;
    const fail = (problem: string) => invalid.push(new ManifestLineError(source, line, problem));
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    const parsed = ManifestLine.safeParse(json);
    if (!parsed.success) return fail(formatIssues(parsed.error));
    const c = parsed.data;
    const repo = resolve(baseDir, c.repo);
    if (!existsSync(repo) || !statSync(repo).isDirectory())
      return fail(`"repo": ${c.repo} is not a folder (looked for ${repo})`);
    const earlier = seen.get(c.id);
    if (earlier !== undefined) return fail(`"id": ${c.id} is already the id of line ${earlier}`);
    seen.set(c.id, line);
    cases.push({
      id: c.id,
      repo,
      test: c.test,
      ...(c.setup ? { setup: c.setup } : {}),
      ...(c.failing ? { failing: c.failing } : {}),
      ...(c.image ? { image: c.image } : {}),
      line,
    });
  });
  return { cases, invalid };
}

export async function readManifest(path: string): Promise<ParsedManifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ManifestError(
      `cannot read the manifest ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseManifest(text, path, dirname(resolve(path)));
}
