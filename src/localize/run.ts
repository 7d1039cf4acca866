/**
 * Runs the tests once in the sandbox, with per-test coverage where the runner family can give it (coverage.py for
 * pytest and unittest, V8 coverage for Node runners, cover profiles for Go; none for cargo), and ranks the lines.
 */
import type { Sandbox } from '../sandbox/index.js';
import {
  collectNode,
  collectPlain,
  collectPython,
  WORK,
  type CollectContext,
  type Collected,
} from './collect.js';
import { collectGo } from './go.js';
import { rankSuspicious, TEST_FILE, type Suspect } from './rank.js';
import { mutationScores } from './mutate.js';
import { languageOf, testCodeLines } from './source.js';
import type { TestReport } from '../feedback/index.js';

function isTestCode(file: string, line: number, read: (f: string) => string | undefined): boolean {
  if (TEST_FILE.test(file)) return true;
  const source = read(file);
  return source !== undefined && testCodeLines(source, languageOf(file)).has(line);
}

function mergeReports(reports: TestReport[]): TestReport {
  return {
    ...reports[0]!,
    passed: reports.reduce((n, r) => n + r.passed, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
  };
}

export interface LocalizeOptions {
  sandbox: Sandbox;
  testCommand: string;
  changedLines?: Record<string, number[]>;
  /** Wall-clock limit of each test run (default 10 minutes). */
  timeoutMs?: number;
  limit?: number;
  /** Rerun the tests on mutants of the top lines (default true; src/localize/mutate.ts). */
  mutation?: boolean;
}

export interface LocalizeResult {
  suspects: Suspect[];
  plan: CoveragePlan;
  /** Tests the coverage covers, and how many of them failed (0 when there was no per-test coverage). */
  coveredTests: number;
  failures: number;
  passed: number;
  /** What evidence was and was not available, for the user. */
  notes: string[];
}

const PYTEST = /^\s*(?:(?:python3?|py)\s+-m\s+pytest|pytest|py\.test)(\s.*)?$/;
const UNITTEST = /^\s*(?:python3?|py)\s+-m\s+unittest(\s.*)?$/;
const GO_TEST = /^\s*go\s+test\b/;
const CARGO_TEST = /^\s*cargo\s+(?:test|nextest)\b/;
const NODE = /\b(?:node|npm|npx|pnpm|yarn|jest|mocha|vitest|ava|tap)\b/;

export type CoveragePlan = 'pytest' | 'unittest' | 'node' | 'go' | 'cargo' | 'none';

/** Which coverage a command can give; package-manager `test` scripts are judged by the script they run. */
export function coveragePlan(testCommand: string, npmTestScript?: string): CoveragePlan {
  if (PYTEST.test(testCommand)) return 'pytest';
  if (UNITTEST.test(testCommand)) return 'unittest';
  if (GO_TEST.test(testCommand)) return 'go';
  if (CARGO_TEST.test(testCommand)) return 'cargo';
  if (/^\s*(?:npm|pnpm|yarn)\s+(?:run\s+)?t(?:est)?\s*$/.test(testCommand) && npmTestScript) {
    if (PYTEST.test(npmTestScript)) return 'none';
    return 'node';
  }
  if (NODE.test(testCommand)) return 'node';
  return 'none';
}

const SKIP_DIRS = new Set([
  'node_modules',
  '.git',
  'target',
  'dist',
  'build',
  'vendor',
  '.venv',
  'venv',
  '__pycache__',
  'coverage',
  '.mimo',
]);

/**
 * The repository's source files, read inside the sandbox (its workspace, never a host path) before the tests run,
 * for the synchronous line mapping and the callee search; bounded in count and size.
 */
async function readSources(sandbox: Sandbox, max = 3000): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  const files = await sandbox.listFiles('.', { maxDepth: 12, ignore: SKIP_DIRS }).catch(() => [] as string[]);
  const wanted = files.filter((f) => languageOf(f) !== 'other' || f === 'package.json' || f === 'go.mod');
  for (const rel of wanted.slice(0, max)) {
    const bytes = await sandbox.readFile(rel, { maxBytes: 1_000_000 }).catch(() => null);
    if (bytes) sources.set(rel, bytes.toString('utf8'));
  }
  return sources;
}

export async function localizeRepo(options: LocalizeOptions): Promise<LocalizeResult> {
  const { sandbox } = options;
  const sources = await readSources(sandbox);
  const readSource = (rel: string): string | undefined => sources.get(rel.replace(/^\.\//, ''));
  let script: string | undefined;
  try {
    const pkg = JSON.parse(readSource('package.json') ?? '{}') as { scripts?: Record<string, unknown> };
    script = typeof pkg.scripts?.test === 'string' ? pkg.scripts.test : undefined;
  } catch {
    script = undefined;
  }
  const plan = coveragePlan(options.testCommand, script);
  const ctx: CollectContext = {
    sandbox,
    command: options.testCommand,
    timeoutMs: options.timeoutMs ?? 600_000,
    readSource,
  };
  let collected: Collected;
  if (plan === 'pytest')
    collected = await collectPython(ctx, 'pytest', PYTEST.exec(options.testCommand)![1] ?? '');
  else if (plan === 'unittest')
    collected = await collectPython(ctx, 'unittest', UNITTEST.exec(options.testCommand)![1] ?? '');
  else if (plan === 'node') collected = await collectNode(ctx);
  else if (plan === 'go') collected = await collectGo(ctx);
  else if (plan === 'cargo')
    collected = await collectPlain(
      ctx,
      'cargo: the runner image has no line coverage for Rust; ranked by the failures, the functions the failing tests call and the change',
    );
  else
    collected = await collectPlain(
      ctx,
      'this test command gives no coverage; ranked by the failures and the change',
    );
  await sandbox.exec(`rm -rf ${WORK}`);
  const input = {
    reports: collected.reports,
    coverage: collected.coverage,
    changedLines: options.changedLines,
    root: sandbox.workdir,
    limit: options.limit,
    readSource,
    sourceFiles: [...sources.keys()].filter((f) => languageOf(f) !== 'other'),
  };
  let suspects = rankSuspicious(input);
  if (options.mutation !== false) {
    const found = await mutationScores({
      sandbox,
      command: options.testCommand,
      baseline: mergeReports(collected.reports),
      candidates: suspects
        .filter((s) => !isTestCode(s.file, s.line, readSource))
        .slice(0, 10)
        .map((s) => ({ ...s, language: languageOf(s.file) })),
      readSource,
    });
    if (found.runs) {
      const best = Math.max(0, ...found.scores.values());
      collected.notes.push(
        `${found.runs} mutants of the top lines rerun${best ? `; one made ${Math.round(best * 100)}% of the failing tests pass` : ', none made a failing test pass'}`,
      );
    }
    if (found.scores.size) suspects = rankSuspicious({ ...input, mutation: found.scores });
  }
  const tests = collected.coverage?.tests ?? [];
  return {
    suspects,
    plan,
    coveredTests: tests.length,
    failures: collected.reports.reduce((n, r) => n + r.failed, 0),
    passed: collected.reports.reduce((n, r) => n + r.passed, 0),
    notes: collected.notes,
  };
}
