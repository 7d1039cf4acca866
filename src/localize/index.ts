export {
  rankSuspicious,
  ochiai,
  normalizePath,
  type Suspect,
  type PerTestCoverage,
  type RankInput,
} from './rank.js';
export {
  fromCoveragePy,
  fromNodeTests,
  type NodeTest,
  v8CoveredLines,
  changedLinesFromDiff,
  type V8Script,
} from './coverage.js';
export { fromGoProfiles, goLeafSubtests, goRunPattern } from './go.js';
export {
  localizeRepo,
  coveragePlan,
  type LocalizeOptions,
  type LocalizeResult,
  type CoveragePlan,
} from './run.js';
export { executableLines, calledNames, functionRanges, languageOf, statementWeight } from './source.js';
