import type { TestReport } from '../feedback/index.js';
import type { Sandbox } from '../sandbox/index.js';
import type { Workspace } from '../tools/index.js';
import type { FixerMemo } from './memo.js';

export interface FixerContext {
  workspace: Workspace;
  sandbox: Sandbox;
  /** The latest test run: parsed report and raw output. */
  report: TestReport;
  output: string;
  /** Whether a fixer may turn the network on (lockfile refresh), from the config's `network.setup`. */
  allowNetwork: boolean;
  /** Facts computed once per run from the sandbox (standard-library indexes); a fresh one when absent. */
  memo?: FixerMemo;
  signal?: AbortSignal;
}

/** A deterministic repair: the loop applies it, reruns the tests, and keeps it only if they got better. */
export interface FixProposal {
  fixer: string;
  /** What it does, for the log: "add `import json` to pipeline/report.py". */
  description: string;
  /** Identity of the proposal, so the same one is never tried twice. */
  key: string;
  /** Text of the error this proposal removes (e.g. `name 'json' is not defined`): when it is gone from the output
   * and no new test fails, the proposal counts as progress even if the same tests still fail (the next error shows). */
  resolves?: string;
  /** Makes the edit through the workspace (recorded) and returns the changed paths. */
  apply(): Promise<string[]>;
}

export interface Fixer {
  name: string;
  propose(context: FixerContext): Promise<FixProposal[]>;
}

/** A failure location as a workspace path: container paths (`/workspace/x.py`) and `./` prefixes are stripped. */
export function workspacePath(file: string | undefined, workdir: string): string | undefined {
  if (!file) return undefined;
  let path = file.replace(/\\/g, '/');
  const root = workdir.replace(/\/+$/, '') + '/';
  if (path.startsWith(root)) path = path.slice(root.length);
  if (path.startsWith('./')) path = path.slice(2);
  if (path.startsWith('/')) return undefined;
  return path;
}
