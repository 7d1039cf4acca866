import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { ManifestError, ManifestLineError } from './errors.js';
import { CaseId, formatIssues, type ParsedManifest } from './manifest.js';
import type { EvalCase } from './types.js';

const run = promisify(execFile);

/** A list of test ids; the official files store it as a JSON string of a list. */
const testList = z.union([
  z.array(z.string()),
  z.string().transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text);
      if (Array.isArray(value) && value.every((t) => typeof t === 'string')) return value as string[];
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'a list of test ids (or a JSON string of one)' });
    return z.NEVER;
  }),
]);

/** The fields of a SWE-bench instance the harness uses (others, like problem_statement, are kept out of its way). */
export const SweBenchInstance = z.looseObject({
  instance_id: CaseId,
  repo: z.string().min(1),
  base_commit: z.string().regex(/^[0-9a-f]{7,40}$/, 'a commit id'),
  patch: z.string(),
  test_patch: z.string(),
  FAIL_TO_PASS: testList,
  PASS_TO_PASS: testList,
  /** Not in the official files: an image or test command for this instance. */
  image: z.string().min(1).optional(),
  test_cmd: z.string().min(1).optional(),
});
export type SweBenchInstance = z.output<typeof SweBenchInstance>;

export interface SweBenchOptions {
  /** Folder holding one checkout per instance, `DIR/<instance_id>`, at the instance's base commit. */
  checkouts: string;
  /** Image per instance: `{instance_id}` is replaced (e.g. `sweb.eval.x86_64.{instance_id}:latest`). */
  imageTemplate?: string;
  /** Test command before the test files of test_patch (default `python -m pytest -rA`). */
  testCommand?: string;
}

/** The test files a test patch touches (what SWE-bench's harness runs). */
export function testFilesOf(testPatch: string): string[] {
  const files = new Set<string>();
  for (const m of testPatch.matchAll(/^\+\+\+ b\/(\S+)/gm)) files.add(m[1]!);
  return [...files];
}

function shellQuote(s: string): string {
  return /^[\w./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

async function headOf(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['-c', 'core.fsmonitor=false', '-C', dir, 'rev-parse', 'HEAD']);
    return stdout.trim();
  } catch {
    return undefined;
  }
}

/** JSON array or JSONL: one instance per entry, each with its line (1-based) for errors. */
type Entry = { line: number; json: unknown } | { line: number; error: string };

function entriesOf(text: string): Entry[] {
  if (text.trimStart().startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return [
        { line: 1, error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` },
      ];
    }
    return Array.isArray(value)
      ? value.map((json, i) => ({ line: i + 1, json }))
      : [{ line: 1, error: 'not a list' }];
  }
  return text.split('\n').flatMap((raw, i): Entry[] => {
    if (raw.trim() === '') return [];
    try {
      return [{ line: i + 1, json: JSON.parse(raw) as unknown }];
    } catch (error) {
      return [
        { line: i + 1, error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` },
      ];
    }
  });
}

/**
 * Reads SWE-bench instances (JSON list or JSONL) into cases: the checkout `DIR/<instance_id>` (checked to be at
 * base_commit when it is a git checkout), the test patch applied to every copy, FAIL_TO_PASS as the tests that must
 * pass, the test files of test_patch run by the test command, the image from the template. The gold `patch` is
 * never shown to the run.
 */
export async function readSweBench(
  path: string,
  options: SweBenchOptions,
): Promise<ParsedManifest & { instances: SweBenchInstance[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ManifestError(
      `cannot read the SWE-bench file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  const cases: EvalCase[] = [];
  const instances: SweBenchInstance[] = [];
  const invalid: ManifestLineError[] = [];
  for (const entry of entriesOf(text)) {
    const fail = (problem: string) => invalid.push(new ManifestLineError(path, entry.line, problem));
    if ('error' in entry) {
      fail(entry.error);
      continue;
    }
    const parsed = SweBenchInstance.safeParse(entry.json);
    if (!parsed.success) {
      fail(formatIssues(parsed.error));
      continue;
    }
    const inst = parsed.data;
    const repo = resolve(options.checkouts, inst.instance_id);
    if (!existsSync(repo) || !statSync(repo).isDirectory()) {
      fail(`no checkout of ${inst.repo} at ${repo} (expected DIR/<instance_id> at ${inst.base_commit})`);
      continue;
    }
    if (existsSync(join(repo, '.git'))) {
      const head = await headOf(repo);
      if (head && !head.startsWith(inst.base_commit) && !inst.base_commit.startsWith(head)) {
        fail(
          `the checkout ${repo} is at ${head.slice(0, 12)}, not at base_commit ${inst.base_commit.slice(0, 12)}`,
        );
        continue;
      }
    }
    const image = inst.image ?? options.imageTemplate?.replaceAll('{instance_id}', inst.instance_id);
    if (!image) {
      fail('no image: give --swe-image TEMPLATE (with {instance_id}) or an "image" field');
      continue;
    }
    const files = testFilesOf(inst.test_patch);
    const test =
      inst.test_cmd ??
      `${options.testCommand ?? 'python -m pytest -rA'} ${files.map(shellQuote).join(' ')}`.trim();
    instances.push(inst);
    cases.push({
      id: inst.instance_id,
      repo,
      test,
      failing: inst.FAIL_TO_PASS,
      passing: inst.PASS_TO_PASS,
      image,
      testPatch: inst.test_patch,
      line: entry.line,
    });
  }
  return { cases, invalid, instances };
}
