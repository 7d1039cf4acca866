import type { TestReport } from '../feedback/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { changedLineNumbers, diffStats, type FileEdit } from '../tools/index.js';
import {
  complexityDeltaOfChange,
  loadTypeScript,
  tsFunctionComplexities,
  type FunctionComplexity,
} from './complexity-ts.js';
import { PY_COMPLEXITY_SCRIPT } from './complexity-py.js';
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

async function complexity(
  input: ScoreInput,
): Promise<{ delta?: number; functions: ScoreDetails['functions'] }> {
  const functions: ScoreDetails['functions'] = [];
  let delta = 0;
  let known = false;
  const code = input.edits.filter((e) => e.after !== null && (JS_TS.test(e.path) || PY.test(e.path)));
  const ts = code.some((e) => JS_TS.test(e.path)) ? await loadTypeScript() : null;
  const py = code.filter((e) => PY.test(e.path));
  let pyResults: Array<FunctionComplexity[] | null> = [];
  if (py.length > 0 && input.sandbox) {
    const sources = py.flatMap((e) => [e.before, e.after]);
    const result = await input.sandbox.exec(['python3', '-c', PY_COMPLEXITY_SCRIPT], {
      stdin: JSON.stringify(sources),
      timeoutMs: 20_000,
      signal: input.signal,
    });
    if (result.exitCode === 0) {
      try {
        pyResults = JSON.parse(result.stdout) as Array<FunctionComplexity[] | null>;
      } catch {
        pyResults = [];
      }
    }
  }
  for (const edit of code) {
    let before: FunctionComplexity[] | null = null;
    let after: FunctionComplexity[] | null = null;
    if (JS_TS.test(edit.path) && ts) {
      before = edit.before === null ? [] : tsFunctionComplexities(ts, edit.path, edit.before);
      after = tsFunctionComplexities(ts, edit.path, edit.after!);
    } else if (PY.test(edit.path)) {
      const i = py.indexOf(edit);
      before = pyResults[2 * i] ?? null;
      after = pyResults[2 * i + 1] ?? null;
    }
    if (!before || !after) continue;
    known = true;
    const change = complexityDeltaOfChange(before, after, changedLineNumbers(edit.before, edit.after));
    delta += change.delta;
    for (const f of change.functions) functions.push({ file: edit.path, ...f });
  }
  return { delta: known ? delta : undefined, functions };
}

interface Linters {
  eslint: boolean;
  ruff: boolean;
  pyflakes: boolean;
}

const linterProbes = new WeakMap<Sandbox, Promise<Linters>>();

/** Which linters the sandbox has, probed once per sandbox (one exec saved on every later turn). */
function linters(sandbox: Sandbox, signal?: AbortSignal): Promise<Linters> {
  let probe = linterProbes.get(sandbox);
  if (!probe) {
    probe = sandbox
      .exec(
        '[ -x node_modules/.bin/eslint ] && echo eslint; command -v ruff >/dev/null 2>&1 && echo ruff; ' +
          "python3 -c 'import pyflakes' >/dev/null 2>&1 && echo pyflakes; true",
        { timeoutMs: 20_000, signal },
      )
      .then((r) => ({
        eslint: /^eslint$/m.test(r.stdout),
        ruff: /^ruff$/m.test(r.stdout),
        pyflakes: /^pyflakes$/m.test(r.stdout),
      }));
    linterProbes.set(sandbox, probe);
  }
  return probe;
}

/** Findings of eslint (JS/TS, when the repository has it) or ruff/pyflakes (Python) on the changed lines. */
async function lintFindings(input: ScoreInput): Promise<number | undefined> {
  if (!input.sandbox) return undefined;
  const changed = new Map(
    input.edits
      .filter((e) => e.after !== null && (JS_TS.test(e.path) || PY.test(e.path)))
      .map((e) => [e.path, new Set(changedLineNumbers(e.before, e.after))]),
  );
  if (changed.size === 0) return undefined;
  const available = await linters(input.sandbox, input.signal);
  const js = [...changed.keys()]
    .filter((p) => JS_TS.test(p))
    .map(shellQuote)
    .join(' ');
  const py = [...changed.keys()]
    .filter((p) => PY.test(p))
    .map(shellQuote)
    .join(' ');
  const commands: string[] = [];
  if (js && available.eslint) commands.push(`node_modules/.bin/eslint -f unix ${js}`);
  if (py && available.ruff) commands.push(`ruff check --output-format=concise ${py}`);
  else if (py && available.pyflakes) commands.push(`python3 -m pyflakes ${py}`);
  if (commands.length === 0) return undefined;
  const result = await input.sandbox.exec(commands.join('; '), { timeoutMs: 30_000, signal: input.signal });
  const text = `${result.stdout}\n${result.stderr}`;
  let findings = 0;
  for (const m of text.matchAll(/^(?:\.\/)?([^\s:][^:\n]*):(\d+):(?:\d+:)?\s/gm)) {
    if (changed.get(m[1]!)?.has(Number(m[2]))) findings++;
  }
  return findings;
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
  const { delta, functions } = await complexity(input);
  const lint = await lintFindings(input);
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
