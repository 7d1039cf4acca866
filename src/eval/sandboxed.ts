import type { MimoConfig } from '../config/index.js';
import type { Model } from '../models/index.js';
import { runRepair, type Ablation, type Budget, type RepairResult, type Reporter } from '../repair/index.js';
import { defaultAnalyzer, runnerHint } from '../repair/index.js';
import { openDockerSandbox, policyFromConfig, type Sandbox } from '../sandbox/index.js';
import { Workspace } from '../tools/index.js';

/** Opens a sandbox on a workspace copy: Docker for real runs, a double in the harness's own tests. */
export type SandboxOpener = (
  workspace: string,
  options: { image: string; config: MimoConfig },
) => Promise<Sandbox>;

/** The default opener: the same locked-down Docker sandbox `mimo fix` uses, labelled as an eval run. */
export const dockerOpener: SandboxOpener = (workspace, { image, config }) =>
  openDockerSandbox({ workspace, image, policy: policyFromConfig(config), labels: { 'mimo.eval': '1' } });

export interface SandboxedRunRequest {
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
  open: SandboxOpener;
}

/** Runs the setup command with the network the config allows during setup, then turns it off again. */
export async function runSetup(
  sandbox: Sandbox,
  setup: string | undefined,
  config: MimoConfig,
  signal: AbortSignal,
): Promise<number | undefined> {
  if (!setup) return undefined;
  const network = config.network.setup;
  if (network) await sandbox.setNetwork(true);
  try {
    const result = await sandbox.exec(setup, {
      signal,
      timeoutMs: config.limits.commandTimeoutSeconds * 1000,
    });
    return result.exitCode;
  } finally {
    if (network) await sandbox.setNetwork(false);
  }
}

/**
 * The one sandboxed run of a case, exactly as `mimo fix` does it: open a sandbox on the copy, run the setup with
 * the configured network, run the repair loop with the tests offline, dispose of the sandbox whatever happens.
 * (This is the single place to switch to `src/sandbox/run.ts` once it exists.)
 */
export async function runSandboxed(request: SandboxedRunRequest): Promise<RepairResult> {
  const sandbox = await request.open(request.copy, { image: request.image, config: request.config });
  try {
    await runSetup(sandbox, request.setup, request.config, request.signal);
    return await runRepair({
      sandbox,
      workspace: await Workspace.open(request.copy),
      testCommand: request.testCommand,
      model: request.model,
      budget: request.budget,
      analyzer: defaultAnalyzer({ fallbackRunner: runnerHint(request.testCommand) }),
      reporter: request.reporter,
      paths: request.config.paths,
      signal: request.signal,
      commandTimeoutMs: request.config.limits.commandTimeoutSeconds * 1000,
      allowNetwork: request.config.network.setup,
      ablation: request.ablation,
      proofRuns: request.proofRuns,
    });
  } finally {
    await sandbox.dispose();
  }
}
