// Runs the app as `npm start` does (scripts/start.js), in its own process, against the GitHub double.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GitHubDouble, RepoState } from './github-double/index.js';
import type { CheckRunState } from './github-double/state.js';

const root = new URL('../../', import.meta.url).pathname;

export interface AppProcess {
  child: ChildProcess;
  url: string;
  webhookUrl: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startAppProcess(
  double: GitHubDouble,
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'mimo-app-')),
): Promise<AppProcess> {
  const child = spawn(process.execPath, [join(root, 'scripts/start.js')], {
    cwd: dataDir,
    env: {
      ...doubleEnv(double, dataDir),
      PORT: '0',
      HOST: '127.0.0.1',
      MIMO_DB: join(dataDir, 'mimo.sqlite'),
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  const deadline = Date.now() + 60_000;
  let port: string | undefined;
  while (!(port = /Listening on http:\/\/[^:]+:(\d+)/.exec(text)?.[1])) {
    if (child.exitCode !== null) throw new Error(`the app exited early:\n${text}`);
    if (Date.now() > deadline) throw new Error(`the app did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    webhookUrl: `${url}/api/github/webhooks`,
    output: () => text,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await once(child, 'exit');
    },
  };
}

/** Polls until `check` returns a value (bounded; a journey that never gets there fails with `what`). */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | null | false,
  timeoutMs = 240_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The environment that points a process of ours at the double (the app and `mimo worker` share it). */
export function doubleEnv(double: GitHubDouble, dataDir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: dataDir,
    APP_ID: '1',
    PRIVATE_KEY: double.appPrivateKey,
    WEBHOOK_SECRET: double.webhookSecret,
    GHE_HOST: double.host,
    GHE_PROTOCOL: 'http',
    MIMO_WORK_DIR: join(dataDir, 'work'),
    LOG_LEVEL: 'info',
  };
}

/** `mimo worker` as an operator runs it on another machine. */
export function startWorkerProcess(
  double: GitHubDouble,
  env: Record<string, string>,
): { child: ChildProcess; output(): string; stop(): Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'mimo-worker-'));
  const child = spawn(process.execPath, [join(root, 'bin/mimo.js'), 'worker', '--concurrency', '1'], {
    cwd: dataDir,
    env: { ...doubleEnv(double, dataDir), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  return {
    child,
    output: () => text,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** The repository's first concluded check run (the repair's outcome). */
export function concludedCheck(repo: RepoState, timeoutMs?: number): Promise<CheckRunState> {
  return eventually(
    'the check run to conclude',
    () => repo.checkRuns.find((c) => c.status === 'completed'),
    timeoutMs,
  );
}

/** `conclusion: title \n summary`, so a failed expectation on the conclusion shows why the run ended. */
export function outcome(check: CheckRunState): string {
  return `${check.conclusion}: ${check.output.title}\n${check.output.summary}`;
}
