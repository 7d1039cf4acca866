import { failureSignature, parseTestOutput, renderFeedback } from '../feedback/index.js';
import type { Analyzer } from './context.js';

/** The loop's view of feedback/ (parse, render, signature) and, when given, localize/'s ranking. */
export function defaultAnalyzer(
  options: { runner?: string; tokenBudget?: number; rank?: Analyzer['rank'] } = {},
): Analyzer {
  return {
    parse: (output) => parseTestOutput(output, options.runner ? { runner: options.runner } : {}),
    render: (report, readSource) => renderFeedback(report, { readSource, tokenBudget: options.tokenBudget }),
    signature: (report) => failureSignature(report),
    rank: options.rank,
  };
}
