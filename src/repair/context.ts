import type { TestReport } from '../feedback/index.js';
import type { Model } from '../models/index.js';
import type { Budget } from './budget.js';
import type { Sandbox } from '../sandbox/index.js';
import type { Workspace } from '../tools/index.js';
import type { Fixer } from '../fixers/index.js';
import type { Reporter } from './log.js';
import type { PathResolver } from './guard.js';

/** The parts of feedback/ and localize/ the loop uses, injectable so the loop stays pure and testable. */
export interface Analyzer {
  parse(output: string): TestReport;
  render(report: TestReport, readSource: (file: string) => string | undefined): string;
  signature(report: TestReport): string;
  rank?(reports: TestReport[]): Array<{ file: string; line: number; score: number }>;
}

export interface RepairOptions {
  sandbox: Sandbox;
  workspace: Workspace;
  testCommand: string;
  /** `null` runs the deterministic fixers only (`--model none`). Wrap it with `withBudget` before passing it. */
  model: Model | null;
  budget: Budget;
  analyzer: Analyzer;
  reporter?: Reporter;
  /** Deterministic fixers tried before any model turn (default: all built-in fixers). */
  fixers?: Fixer[];
  /** Globs the agent may / may not edit. */
  paths?: { allow: string[]; deny: string[] };
  /**
   * Resolves an edited path against the real tree(s), so the guard judges where an edit lands, not how it is
   * spelled (a repository symlink `wf -> .github/workflows`); `repoPathResolver` in git/ builds one.
   */
  resolvePath?: PathResolver;
  mode?: 'repair' | 'issue';
  /**
   * Extra context for the first prompt, shown as quoted data: what the failing CI job reported (parsed from its
   * log) and the maintainer's `/mimo fix` instructions. Never executed, never instructions to the loop itself.
   */
  hints?: { ci?: string; instructions?: string };
  /** Issue mode: the issue's text (data for the prompt, never instructions). */
  issue?: { title: string; body: string };
  /** Stop after the same failure signature or the same edit this many times (default 3). */
  noProgressLimit?: number;
  /** Ablation switches (see `Ablation`); absent means the full loop. */
  ablation?: Ablation;
  /** Reruns of the originally failing tests in the proof of fix (default 3). */
  proofRuns?: number;
  commandTimeoutMs?: number;
  /** Output tokens per model turn (default 4096). */
  maxTokensPerTurn?: number;
  /** `/mimo stop`. */
  signal?: AbortSignal;
  /** Set when the model wrapper does not charge the budget itself. */
  chargeUsage?: boolean;
  env?: Record<string, string>;
  /** Whether fixers may turn the network on (lockfile refresh): the config's `network.setup`. */
  allowNetwork?: boolean;
  /** The install step that ran before the loop (configured or inferred), named when the runner is missing. */
  setupCommand?: string;
}

/**
 * Ablation switches, each changing one thing about what the loop does or shows the model (`mimo eval` records them
 * in its report header). The defaults are the full loop; existing callers pass nothing.
 */
export interface Ablation {
  /** `structured` (default): the parsed, rendered report; `raw`: the tail of the test output, of the same size. */
  feedback?: 'structured' | 'raw';
  /** `false`: no deterministic fixers before the model (default true). */
  fixers?: boolean;
  /** `false`: no quality score computed, shown to the model or used to rank fixer candidates (default true). */
  score?: boolean;
  /** `false`: no suspicious locations in the first prompt (default true). */
  localize?: boolean;
}

/** One run of the test command, parsed. */
export interface TestRun {
  command: string;
  exitCode: number;
  timedOut: boolean;
  output: string;
  report: TestReport;
  signature: string;
  durationMs: number;
}
