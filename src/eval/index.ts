// `mimo eval`: a manifest of cases → one sandboxed run each (as `mimo fix`) → verification of each diff on a fresh
// copy in a fresh sandbox → results.jsonl, report.md with an SVG chart; ablations; SWE-bench instances; compare.
export type { EvalCase, EvalSettings, CaseResult, Verification } from './types.js';
export { ablationOf } from './types.js';
export { ManifestError, ManifestLineError, PatchError } from './errors.js';
export { parseManifest, readManifest, ManifestLine, type ParsedManifest } from './manifest.js';
export { readSweBench, testFilesOf, SweBenchInstance, type SweBenchOptions } from './swebench.js';
export { diffOf, applyDiff } from './patch.js';
export { freshCopy, removeCopy } from './copy.js';
export { runCase, sandboxOptions, type SandboxRunner, type CaseRunRequest } from './sandboxed.js';
export { verifyCase, type VerifyOptions } from './verify.js';
export { evaluateCase, type CaseContext } from './run-case.js';
export { runEval, type EvalOptions, type EvalSummary } from './harness.js';
export { readResults, appendResult, totalsOf, CaseResultLine, type Totals } from './results.js';
export { renderReport, settingsLines, modelLabel } from './report.js';
export { renderChart } from './chart.js';
export { compareRuns, renderComparison, type Comparison, type CaseDifference } from './compare.js';
