import type { Ablation } from '../repair/index.js';

/** One case of a corpus: a repository folder with failing tests and the command that runs them. */
export interface EvalCase {
  id: string;
  /** Absolute path of the case's repository folder (never modified: every run works on a copy). */
  repo: string;
  /** The test command, run in the sandbox exactly as `mimo fix --test` would. */
  test: string;
  /** Run once in the sandbox before the loop (network as the case's `.github/mimo.yml` allows). */
  setup?: string;
  /** Tests that must pass for the case to count as resolved (SWE-bench's FAIL_TO_PASS). */
  failing?: string[];
  /** Tests that must keep passing (SWE-bench's PASS_TO_PASS); the whole suite is checked too. */
  passing?: string[];
  /** Runner image for this case (default: the case's config `image:`, else the built runner image). */
  image?: string;
  /** A patch applied to every copy before anything runs (SWE-bench's test_patch). */
  testPatch?: string;
  /** Line of the manifest (or instance file) it came from. */
  line: number;
}

/** The switches of one evaluation, recorded in its report header and in run.json so two runs can be compared. */
export interface EvalSettings {
  /** The model selection string (`none`, `openai:…`, `scripted:…`). */
  model: string;
  /** How the model is labelled everywhere; a scripted replay is never presented as a model. */
  modelLabel: string;
  scripted: boolean;
  feedback: 'structured' | 'raw';
  fixers: boolean;
  score: boolean;
  localize: boolean;
  proofRuns: number;
  /** Model turns per case (default: each case's config). */
  maxIterations?: number;
  /** Wall time per case in seconds (default: each case's config). */
  timeoutSeconds?: number;
  parallel: number;
  /** Image for the cases that name none (neither in the manifest nor in their config); default the runner image. */
  image?: string;
  /** The manifest or SWE-bench file. */
  source: string;
}

export function ablationOf(settings: EvalSettings): Ablation {
  return {
    feedback: settings.feedback,
    fixers: settings.fixers,
    score: settings.score,
    localize: settings.localize,
  };
}

/** How a case's diff fared on a fresh copy in a fresh sandbox: the only thing that decides `resolved`. */
export interface Verification {
  resolved: boolean;
  /** The diff applied cleanly to the fresh copy. */
  applied: boolean;
  detail: string;
  exitCode?: number;
  /** Time the verification's test runs took. */
  testMs: number;
}

/** One line of results.jsonl. */
export interface CaseResult {
  id: string;
  resolved: boolean;
  stop: { reason: string; detail: string; limit?: string };
  /** What the run itself claimed (green at the end of the loop); `resolved` comes from the verification only. */
  claimed: boolean;
  iterations: number;
  tokens: number;
  costUsd: number;
  /** The whole case: copy, sandbox, loop, verification. */
  wallMs: number;
  /** Of which the test commands (the loop's and the verification's). */
  testMs: number;
  /** Unified diff of the run's edits, applicable with `patch -p1` in the case folder. */
  diff: string;
  files: string[];
  verification: Verification;
  /** The run's JSONL iteration log. */
  log: string;
}
