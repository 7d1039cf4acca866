import { failureSignature, parseTestOutput, renderFeedback, runnerOfCommand } from '../feedback/index.js';
import { rankSuspicious } from '../localize/index.js';
import type { Analyzer } from './context.js';

/** The runner a test command names unambiguously (`python -m pytest -q` → pytest), if any. */
export function runnerHint(command: string): string | undefined {
  if (/\bpytest\b/.test(command)) return 'pytest';
  if (/\bgo\s+test\b/.test(command)) return 'go';
  if (/\bcargo\s+test\b/.test(command)) return 'cargo';
  if (/^\s*(npx\s+)?(jest)\b/.test(command)) return 'jest';
  if (/^\s*(npx\s+)?(vitest)\b/.test(command)) return 'vitest';
  // The JVM, Ruby, PHP and .NET runners, and linters, as feedback/ names them.
  const other = runnerOfCommand(command);
  return other && !['jest', 'vitest', 'mocha', 'node-test', 'tsc', 'eslint'].includes(other)
    ? other
    : undefined;
}

export interface AnalyzerOptions {
  /** Parse every output as this runner's. */
  runner?: string;
  /** Parse as this runner when detection finds none (e.g. a green `pytest -q` prints too little to detect). */
  fallbackRunner?: string;
  tokenBudget?: number;
  /** Suspect ranking (default: localize/'s from the failures' frames, paths relative to `root`). */
  rank?: Analyzer['rank'];
  /** The sandbox workdir, stripped from printed paths when ranking (default `/workspace`). */
  root?: string;
}

/** The loop's view of feedback/ (parse, render, signature) and, when given, localize/'s ranking. */
export function defaultAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  return {
    parse: (output) => {
      const report = parseTestOutput(output, options.runner ? { runner: options.runner } : {});
      if (report.runner === 'unknown' && options.fallbackRunner && !options.runner) {
        return parseTestOutput(output, { runner: options.fallbackRunner });
      }
      return report;
    },
    render: (report, readSource) => renderFeedback(report, { readSource, tokenBudget: options.tokenBudget }),
    signature: (report) => failureSignature(report),
    rank:
      options.rank ??
      ((reports) => rankSuspicious({ reports, root: options.root ?? '/workspace', limit: 8 })),
  };
}
