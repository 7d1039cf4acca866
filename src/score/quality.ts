/** The quality score of a candidate tree: one number in [0, 1] with the parts it is made of. */

export interface ScoreParts {
  /** Share of tests passing, in [0, 1]. */
  testsPassing: number;
  /** Tests failing now that did not fail at the baseline. */
  newFailures: number;
  /** Line-coverage change in percentage points, when the runner printed coverage. */
  coverageDelta?: number;
  /** Sum of cyclomatic complexity of the changed functions, after minus before. */
  complexityDelta?: number;
  /** Lint findings on changed lines, when a linter is available. */
  lintFindings?: number;
  /** Lines added plus removed. */
  diffLines: number;
}

export interface QualityScore {
  value: number;
  parts: ScoreParts;
}

const WEIGHTS = {
  testsPassing: 0.55,
  newFailures: 0.15,
  coverageDelta: 0.1,
  complexityDelta: 0.1,
  lintFindings: 0.05,
  diffLines: 0.05,
} as const;

const clamp = (x: number): number => Math.min(1, Math.max(0, x));

/** Weighted mean of the parts that are known (an unknown part does not pull the score down). */
export function qualityScore(parts: ScoreParts): QualityScore {
  const terms: Array<[number, number]> = [
    [WEIGHTS.testsPassing, clamp(parts.testsPassing)],
    [WEIGHTS.newFailures, 1 / (1 + Math.max(0, parts.newFailures))],
    [WEIGHTS.diffLines, 1 / (1 + Math.max(0, parts.diffLines) / 50)],
  ];
  if (parts.coverageDelta !== undefined)
    terms.push([WEIGHTS.coverageDelta, clamp(0.5 + parts.coverageDelta / 10)]);
  if (parts.complexityDelta !== undefined) {
    terms.push([WEIGHTS.complexityDelta, 1 / (1 + Math.max(0, parts.complexityDelta) / 5)]);
  }
  if (parts.lintFindings !== undefined)
    terms.push([WEIGHTS.lintFindings, 1 / (1 + Math.max(0, parts.lintFindings))]);
  const weight = terms.reduce((s, [w]) => s + w, 0);
  const value = terms.reduce((s, [w, v]) => s + w * v, 0) / weight;
  return { value: Math.round(value * 1000) / 1000, parts };
}

/** Line coverage (percent) printed by pytest-cov/coverage.py, istanbul (jest, vitest, nyc) or go test. */
export function coverageFromOutput(output: string): number | undefined {
  const patterns = [
    /^TOTAL\s+\d+\s+\d+(?:\s+\d+\s+\d+)?\s+(\d+(?:\.\d+)?)%/m,
    /^All files\s*\|\s*(\d+(?:\.\d+)?)/m,
    /coverage: (\d+(?:\.\d+)?)% of statements/,
  ];
  for (const re of patterns) {
    const m = re.exec(output);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** One line for the prompt and the log: `0.93 (tests 100%, new failures 0, diff 4 lines, …)`. */
export function describeScore(score: QualityScore): string {
  const p = score.parts;
  const bits = [`tests ${Math.round(p.testsPassing * 100)}%`, `new failures ${p.newFailures}`];
  if (p.coverageDelta !== undefined)
    bits.push(`coverage ${p.coverageDelta >= 0 ? '+' : ''}${p.coverageDelta.toFixed(1)} pt`);
  if (p.complexityDelta !== undefined)
    bits.push(`complexity ${p.complexityDelta >= 0 ? '+' : ''}${p.complexityDelta}`);
  if (p.lintFindings !== undefined) bits.push(`lint ${p.lintFindings}`);
  bits.push(`diff ${p.diffLines} lines`);
  return `${score.value.toFixed(2)} (${bits.join(', ')})`;
}
