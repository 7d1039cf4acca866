import type { MimoConfig } from '../config/index.js';
import { repoPathResolver } from '../git/index.js';
import type { Model } from '../models/index.js';
import {
  defaultAnalyzer,
  runnerHint,
  runRepair,
  type Ablation,
  type Budget,
  type RepairResult,
  type Reporter,
} from '../repair/index.js';
import { policyFromConfig, runSandboxed } from '../sandbox/index.js';

/**
 * How a case's sandbox is run: `sandbox/run.ts`'s `runSandboxed` (open on the copy, setup with the config's
 * network, body, always dispose) for real evaluations; the harness's own tests pass a host-side double of the same
 * shape.
 */
export type SandboxRunner = typeof runSandboxed;

/** The sandboxed run options of a case's copy: its image, its config's policy and setup network, an eval label. */
export function sandboxOptions(
  copy: string,
  image: string,
  config: MimoConfig,
  setup: string | undefined,
  signal: AbortSignal,
  reporter?: Reporter,
): Parameters<SandboxRunner>[0] {
  return {
    workspace: copy,
    image,
    policy: policyFromConfig(config),
    labels: { 'mimo.eval': '1' },
    ...(setup
      ? {
          setup: {
            command: setup,
            network: config.network.setup,
            timeoutMs: config.limits.commandTimeoutSeconds * 1000,
          },
        }
      : {}),
    ...(reporter ? { reporter } : {}),
    signal,
  };
}

export interface CaseRunRequest {
  /** The case's folder (the guard judges edits against it and the copy alike). */
  repo: string;
  /** The case's workspace copy (made and removed by the caller). */
  copy: string;
  image: string;
  config: MimoConfig;
  testCommand: string;
  setup?: string;
  model: Model | null;
  budget: Budget;
  reporter: Reporter;
  signal: AbortSignal;
  ablation: Ablation;
  proofRuns: number;
  run: SandboxRunner;
}

/**
 * The one sandboxed run of a case, exactly as `mimo fix` does it: the sandbox on the copy, the setup with the
 * configured network, the repair loop with the tests offline, the sandbox disposed whatever happens.
 */
export async function runCase(request: CaseRunRequest): Promise<RepairResult> {
  const { config } = request;
  return request.run(
    sandboxOptions(request.copy, request.image, config, request.setup, request.signal, request.reporter),
    ({ sandbox, workspace }) =>
      runRepair({
        sandbox,
        workspace,
        testCommand: request.testCommand,
        model: request.model,
        budget: request.budget,
        analyzer: defaultAnalyzer({ fallbackRunner: runnerHint(request.testCommand) }),
        reporter: request.reporter,
        paths: config.paths,
        resolvePath: repoPathResolver([request.repo, request.copy]),
        signal: request.signal,
        commandTimeoutMs: config.limits.commandTimeoutSeconds * 1000,
        allowNetwork: config.network.setup,
        ablation: request.ablation,
        proofRuns: request.proofRuns,
      }),
  );
}
