export type { TestReport, Failure, Frame, Locals } from './types.js';
export {
  parseTestOutput,
  FeedbackStream,
  resolveRunner,
  UnknownRunnerError,
  type ParseOptions,
  type SourceReader,
} from './parse.js';
export { declarationLine } from './declarations.js';
export { runnerOfCommand } from './command.js';
export { detectRunner, RUNNERS } from './detect.js';
export { isProjectPath } from './paths.js';
export { stripAnsi } from './text.js';
export {
  renderFeedback,
  failureSignature,
  estimateTokens,
  DEFAULT_TOKEN_BUDGET,
  type RenderOptions,
} from './render.js';
