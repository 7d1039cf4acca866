/**
 * Mutation evidence (in the manner of Metallaxis/MUSE): the most suspicious lines are mutated one at a time with the
 * operators logic bugs are made of (a comparison's boundary, equality, `&&`/`||`, a `± 1`), the tests rerun, and a
 * line where a mutant makes failing tests pass without breaking passing ones is where the fault is. It separates
 * lines the spectrum cannot (every line a failing test runs ties when no passing test runs a different path), at the
 * price of one test run per mutant: bounded in count and wall-clock time, and stopped at the first mutant that
 * turns the whole run green.
 */
import { parseTestOutput, type TestReport } from '../feedback/index.js';
import { TOOL_ENV, type Sandbox } from '../sandbox/index.js';
import type { Language } from './source.js';

const ENV = { CI: 'true', PYTHONDONTWRITEBYTECODE: '1', ...TOOL_ENV };

/** A string or char literal, or a line comment: never mutated. */
const OPAQUE = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`|\/\/.*$|#.*$/g;

const SWAPS: Array<[RegExp, (op: string) => string]> = [
  // Spaced binary comparisons only: formatters space them, and `Vec<T>`, `a->b`, `<-ch` never match.
  [/(?<=\s)(<=|>=|<|>)(?=\s)/g, (op) => ({ '<': '<=', '<=': '<', '>': '>=', '>=': '>' })[op]!],
  [/(?<=\s)(===|!==|==|!=)(?=\s)/g, (op) => ({ '===': '!==', '!==': '===', '==': '!=', '!=': '==' })[op]!],
  [/(?<=\s)(&&|\|\||and|or)(?=\s)/g, (op) => ({ '&&': '||', '||': '&&', and: 'or', or: 'and' })[op]!],
];

/** Mutants of one line of code (the whole line each), most likely faults first; at most `max`. */
export function mutantsOf(line: string, language: Language, max = 5): string[] {
  if (language === 'other') return [];
  const masked = line.replace(OPAQUE, (m) =>
    m.startsWith('#') && language !== 'python' ? m : ' '.repeat(m.length),
  );
  if (/^\s*(?:import|from|use|package|#include)\b/.test(masked)) return [];
  const out = new Set<string>();
  const swaps = (i: number) => {
    const [pattern, swap] = SWAPS[i]!;
    for (const m of masked.matchAll(pattern))
      out.add(line.slice(0, m.index) + swap(m[1]!) + line.slice(m.index + m[1]!.length));
  };
  swaps(0);
  // Off by one: drop a `+ 1`/`- 1`, or move an integer bound of a comparison by one.
  for (const m of masked.matchAll(/\s*[-+]\s*1(?![\w.])/g)) {
    if (/[\w)\]]\s*$/.test(masked.slice(0, m.index)))
      out.add(line.slice(0, m.index) + line.slice(m.index + m[0].length));
  }
  for (const m of masked.matchAll(/(?<=(?:<=?|>=?)\s*)(\d+)(?![\w.])/g)) {
    out.add(line.slice(0, m.index) + String(Number(m[1]) + 1) + line.slice(m.index + m[1]!.length));
    if (Number(m[1]) > 0)
      out.add(line.slice(0, m.index) + String(Number(m[1]) - 1) + line.slice(m.index + m[1]!.length));
  }
  swaps(1);
  swaps(2);
  out.delete(line);
  return [...out].slice(0, max);
}

export interface MutationOptions {
  sandbox: Sandbox;
  command: string;
  /** The unmutated run: its failing and passing counts are what a mutant is compared with. */
  baseline: TestReport;
  /** Candidate lines, most suspicious first, with their language and text. */
  candidates: Array<{ file: string; line: number; language: Language }>;
  readSource: (file: string) => string | undefined;
  maxRuns?: number;
  budgetMs?: number;
}

export interface MutationResult {
  /** Per `file:line`: the best mutant's share of the failing tests it made pass (halved when it broke others). */
  scores: Map<string, number>;
  runs: number;
}

export async function mutationScores(options: MutationOptions): Promise<MutationResult> {
  const { sandbox, baseline } = options;
  const scores = new Map<string, number>();
  const started = Date.now();
  const budget = options.budgetMs ?? 45_000;
  const maxRuns = options.maxRuns ?? 16;
  let runs = 0;
  if (baseline.failed === 0) return { scores, runs };
  outer: for (const c of options.candidates) {
    const source = options.readSource(c.file);
    if (source === undefined) continue;
    const lines = source.split('\n');
    for (const mutant of mutantsOf(lines[c.line - 1] ?? '', c.language)) {
      if (runs >= maxRuns || Date.now() - started > budget) break outer;
      runs++;
      const mutated = [...lines];
      mutated[c.line - 1] = mutant;
      let report: TestReport;
      let green: boolean;
      try {
        await sandbox.writeFile(c.file, mutated.join('\n'));
        const left = Math.max(5_000, budget - (Date.now() - started));
        const run = await sandbox.exec(options.command, { timeoutMs: left, env: ENV });
        report = parseTestOutput(`${run.stdout}\n${run.stderr}`);
        green = run.exitCode === 0 && report.failed === 0;
      } finally {
        await sandbox.writeFile(c.file, source);
      }
      // Short of a green run (`go test` lists no passing test without -v), a mutant that does not build or runs
      // fewer tests says nothing.
      if (!green && report.passed + report.failed < baseline.passed + baseline.failed) continue;
      const fixed = green ? 1 : (baseline.failed - report.failed) / baseline.failed;
      if (fixed <= 0) continue;
      const unbroken = green || report.passed >= baseline.passed + (baseline.failed - report.failed);
      const score = unbroken ? fixed : fixed / 2;
      const key = `${c.file}:${c.line}`;
      scores.set(key, Math.max(scores.get(key) ?? 0, score));
      if (green) break outer;
    }
  }
  return { scores, runs };
}
