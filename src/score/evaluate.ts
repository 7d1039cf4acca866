import { createHash } from 'node:crypto';
import type { TestReport } from '../feedback/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { changedLineNumbers, diffStats, type FileEdit } from '../tools/index.js';
import {
  complexityDeltaOfChange,
  loadTypeScript,
  tsFunctionComplexities,
  type FunctionComplexity,
} from './complexity-ts.js';
import { pythonPass, type PythonPass } from './complexity-py.js';
import { coverageFromOutput, qualityScore, type QualityScore } from './quality.js';

export interface ScoreInput {
  report: TestReport;
  /** Exit code of the test command (a non-zero exit with no parsed failure is not "all passing"). */
  exitCode: number;
  baseline: TestReport;
  edits: FileEdit[];
  output: string;
  baselineOutput: string;
  /** Runs Python's `ast` and the linters; without it those parts are unknown. */
  sandbox?: Sandbox;
  signal?: AbortSignal;
}

export interface ScoreDetails extends QualityScore {
  functions: Array<{ file: string; name: string; before?: number; after: number }>;
}

const JS_TS = /\.[cm]?[jt]sx?$/;
const PY = /\.py$/;

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

interface Linters {
  eslint: boolean;
  ruff: boolean;
}

const linterProbes = new WeakMap<Sandbox, Promise<Linters>>();

/** Which linter programs the sandbox has, probed once per sandbox (pyflakes is the Python pass's own import). */
function linters(sandbox: Sandbox, signal?: AbortSignal): Promise<Linters> {
  let probe = linterProbes.get(sandbox);
  if (!probe) {
    probe = sandbox
      .exec(
        '[ -x node_modules/.bin/eslint ] && echo eslint; command -v ruff >/dev/null 2>&1 && echo ruff; true',
        {
          timeoutMs: 20_000,
          signal,
        },
      )
      .then((r) => ({ eslint: /^eslint$/m.test(r.stdout), ruff: /^ruff$/m.test(r.stdout) }));
    linterProbes.set(sandbox, probe);
  }
  return probe;
}

/** Complexity delta over the changed functions, from before/after function lists (null: that side is unknown). */
function complexityOf(
  code: FileEdit[],
  sides: (edit: FileEdit) => [FunctionComplexity[] | null, FunctionComplexity[] | null],
): { delta?: number; functions: ScoreDetails['functions'] } {
  const functions: ScoreDetails['functions'] = [];
  let delta = 0;
  let known = false;
  for (const edit of code) {
    const [before, after] = sides(edit);
    if (!before || !after) continue;
    known = true;
    const change = complexityDeltaOfChange(before, after, changedLineNumbers(edit.before, edit.after));
    delta += change.delta;
    for (const f of change.functions) functions.push({ file: edit.path, ...f });
  }
  return { delta: known ? delta : undefined, functions };
}

/** Findings on changed lines in linters' `path:line[:col]: message` output. */
function findingsOnChangedLines(text: string, changed: Map<string, Set<number>>): number {
  let findings = 0;
  for (const m of text.matchAll(/^(?:\.\/)?([^\s:][^:\n]*):(\d+):(?:\d+:)?\s/gm)) {
    if (changed.get(m[1]!)?.has(Number(m[2]))) findings++;
  }
  return findings;
}

/**
 * Complexity (TypeScript compiler in-process for JS/TS; for Python one sandbox process that also runs pyflakes when
 * the sandbox has no ruff) and lint findings on the changed lines (eslint when the repository has it, ruff, else
 * pyflakes). Without a sandbox only the JS/TS complexity is known.
 */
async function codeParts(
  input: ScoreInput,
): Promise<{ delta?: number; functions: ScoreDetails['functions']; lint?: number }> {
  const code = input.edits.filter((e) => e.after !== null && (JS_TS.test(e.path) || PY.test(e.path)));
  const ts = code.some((e) => JS_TS.test(e.path)) ? await loadTypeScript() : null;
  const py = code.filter((e) => PY.test(e.path));
  const { sandbox, signal } = input;
  const available = sandbox && code.length > 0 ? await linters(sandbox, signal) : undefined;
  const pass: PythonPass =
    sandbox && py.length > 0
      ? await pythonPass(
          sandbox,
          py.flatMap((e) => [e.before, e.after]),
          available?.ruff ? null : py.map((e) => [e.path, e.after!]),
          signal,
        )
      : { functions: [], pyflakes: null };
  const { delta, functions } = complexityOf(code, (edit) => {
    if (JS_TS.test(edit.path)) {
      if (!ts) return [null, null];
      const before = edit.before === null ? [] : tsFunctionComplexities(ts, edit.path, edit.before);
      return [before, tsFunctionComplexities(ts, edit.path, edit.after!)];
    }
    const i = py.indexOf(edit);
    return [pass.functions[2 * i] ?? null, pass.functions[2 * i + 1] ?? null];
  });
  if (!sandbox || !available) return { delta, functions };
  const changed = new Map(code.map((e) => [e.path, new Set(changedLineNumbers(e.before, e.after))]));
  const quoted = (re: RegExp) =>
    [...changed.keys()]
      .filter((p) => re.test(p))
      .map(shellQuote)
      .join(' ');
  const commands: string[] = [];
  if (available.eslint && quoted(JS_TS)) commands.push(`node_modules/.bin/eslint -f unix ${quoted(JS_TS)}`);
  if (available.ruff && quoted(PY)) commands.push(`ruff check --output-format=concise ${quoted(PY)}`);
  let text = pass.pyflakes ?? '';
  if (commands.length > 0) {
    const result = await sandbox.exec(commands.join('; '), { timeoutMs: 30_000, signal });
    text += `\n${result.stdout}\n${result.stderr}`;
  } else if (pass.pyflakes === null) return { delta, functions };
  return { delta, functions, lint: findingsOnChangedLines(text, changed) };
}

type CodeParts = Awaited<ReturnType<typeof codeParts>>;

/**
 * The sandbox's code parts per tree already scored in this sandbox, by the edits that make the tree: the fixers' green
 * candidate and the run's final score are most often the same tree, and its Python pass and linters would otherwise
 * run twice. Bounded; a failed computation is not kept.
 */
const codePartsByTree = new WeakMap<Sandbox, Map<string, Promise<CodeParts>>>();
const TREES_KEPT = 16;

function codePartsOnce(input: ScoreInput): Promise<CodeParts> {
  if (!input.sandbox) return codeParts(input);
  let trees = codePartsByTree.get(input.sandbox);
  if (!trees) codePartsByTree.set(input.sandbox, (trees = new Map()));
  const hash = createHash('sha256');
  for (const e of input.edits) hash.update(JSON.stringify([e.path, e.before, e.after]));
  const key = hash.digest('hex');
  const known = trees.get(key);
  if (known) return known;
  const parts = codeParts(input);
  trees.set(key, parts);
  parts.catch(() => trees.delete(key));
  if (trees.size > TREES_KEPT) trees.delete(trees.keys().next().value!);
  return parts;
}

/** Scores a candidate tree from its test report, its edits and (through the sandbox) complexity and lint. */
export async function scoreCandidate(input: ScoreInput): Promise<ScoreDetails> {
  const { report, baseline } = input;
  const total = report.passed + report.failed;
  const testsPassing = total === 0 ? (input.exitCode === 0 ? 1 : 0) : report.passed / total;
  const before = new Set(baseline.failures.map((f) => f.test));
  const newFailures = new Set(report.failures.filter((f) => !before.has(f.test)).map((f) => f.test)).size;
  const coverageNow = coverageFromOutput(input.output);
  const coverageThen = coverageFromOutput(input.baselineOutput);
  const stats = diffStats(input.edits);
  const { delta, functions, lint } = await codePartsOnce(input);
  const score = qualityScore({
    testsPassing: input.exitCode !== 0 && report.failed === 0 ? Math.min(testsPassing, 0.99) : testsPassing,
    newFailures,
    coverageDelta:
      coverageNow !== undefined && coverageThen !== undefined ? coverageNow - coverageThen : undefined,
    complexityDelta: delta,
    lintFindings: lint,
    diffLines: stats.added + stats.removed,
  });
  return { ...score, functions };
}
