export { qualityScore, coverageFromOutput, describeScore } from './quality.js';
export type { ScoreParts, QualityScore } from './quality.js';
export { scoreCandidate } from './evaluate.js';
export type { ScoreInput, ScoreDetails } from './evaluate.js';
export { tsFunctionComplexities, complexityDeltaOfChange, loadTypeScript } from './complexity-ts.js';
export type { FunctionComplexity } from './complexity-ts.js';
export { PY_SCORE_SCRIPT } from './complexity-py.js';
