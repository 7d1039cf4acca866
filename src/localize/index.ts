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
  fromV8Processes,
  v8CoveredLines,
  changedLinesFromDiff,
  type V8Script,
} from './coverage.js';
export { localizeRepo, coveragePlan, type LocalizeOptions, type CoveragePlan } from './run.js';
