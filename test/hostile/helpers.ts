// The hostile suite's harness: a small Python repository shaped like a maintainer's (package + tests +
// pyproject), a scripted replay of tool calls (what a prompt-injected model can emit), and the real `mimo fix`
// binary against the real Docker sandbox.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseJsonlLog, type IterationEvent } from '../../src/repair/index.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/mimo.js');

export const SLOW = 300_000;

/**
 * The runtimes every `mimo fix` suite runs under, as the operator picks them (MIMO_SANDBOX_RUNTIME); runsc is
 * gVisor, registered with the engine by .ci/runsc (without it the runsc cases fail with RuntimeMissingError's advice).
 */
export const RUNTIMES = ['runc', 'runsc'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** calc.core.add subtracts (tests/test_core.py fails); calc.util is fine (tests/test_util.py passes). */
export const CALC: Record<string, string> = {
  'pyproject.toml':
    '[project]\nname = "calc"\nversion = "0.1.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
  'calc/__init__.py': '',
  'calc/core.py': 'def add(a, b):\n    return a - b\n',
  'calc/util.py': 'def double(x):\n    return 2 * x\n',
  'tests/__init__.py': '',
  'tests/test_core.py': 'from calc.core import add\n\n\ndef test_add():\n    assert add(2, 1) == 3\n',
  'tests/test_util.py':
    'from calc.util import double\n\n\ndef test_double():\n    assert double(2) == 4\n\n\ndef test_double_zero():\n    assert double(0) == 0\n',
};

export const FIX_ADD = {
  name: 'edit',
  arguments: { path: 'calc/core.py', edits: [{ search: 'a - b', replace: 'a + b' }] },
};
export const FINISH = { name: 'finish', arguments: { status: 'fixed', summary: 'fixed add' } };

const made: string[] = [];
export function cleanupAll(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function git(repo: string, ...args: string[]): string {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: repo,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.com',
    GIT_COMMITTER_NAME: 'Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.com',
  };
  const r = spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * `MIMO_HOSTILE_IMAGE=NAME` runs the suite on an image the engine already has (named in each repository's
 * `.github/mimo.yml`) when the current runner recipe cannot be built on this machine; unset, the runner image.
 */
export function withImage(files: Record<string, string>): Record<string, string> {
  const image = process.env.MIMO_HOSTILE_IMAGE;
  if (!image) return files;
  const config = files['.github/mimo.yml'] ?? '';
  return { ...files, '.github/mimo.yml': `${config}image: ${image}\n` };
}

/** A user's repository: files, symlinks (path → target), and optionally a real git checkout with one commit. */
export function userRepo(
  files: Record<string, string>,
  options: { links?: Record<string, string>; git?: boolean } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-hostile-'));
  made.push(dir);
  files = withImage(files);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  for (const [path, target] of Object.entries(options.links ?? {})) symlinkSync(target, join(dir, path));
  if (options.git) {
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial');
  }
  return dir;
}

/** A scripted replay: one turn per array element, each a list of tool calls. */
export function script(turns: Array<Array<{ name: string; arguments: Record<string, unknown> }>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-hostile-script-'));
  made.push(dir);
  const file = join(dir, 'turns.jsonl');
  writeFileSync(file, turns.map((toolCalls) => JSON.stringify({ toolCalls })).join('\n') + '\n');
  return file;
}

export interface FixRun {
  status: number | null;
  stdout: string;
  stderr: string;
  json: {
    success: boolean;
    wroteBack: boolean;
    files: string[];
    stop: { reason: string; detail: string };
  } | null;
  events: IterationEvent[];
  ms: number;
  /** The pid of the `mimo fix` process (its containers carry it as dev.mimo.pid). */
  pid: number;
}

/** `mimo fix --repo R --model scripted:S --test 'python -m pytest -q'`, the log kept outside the repository. */
export function mimoFix(
  repo: string,
  turns: string | null,
  options: { env?: Record<string, string>; test?: string; timeoutMs?: number; runtime?: Runtime } = {},
): FixRun {
  const logDir = mkdtempSync(join(tmpdir(), 'mimo-hostile-log-'));
  made.push(logDir);
  const log = join(logDir, 'log.jsonl');
  const args = [bin, 'fix', '--repo', repo, '--log', log, '--test', options.test ?? 'python -m pytest -q'];
  args.push('--model', turns ? `scripted:${turns}` : 'none');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MIMO_')) env[k] = v;
  const started = Date.now();
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 240_000,
    env: {
      ...env,
      ...(options.runtime ? { MIMO_SANDBOX_RUNTIME: options.runtime } : {}),
      ...options.env,
    },
  });
  let json: FixRun['json'];
  try {
    json = JSON.parse(r.stdout) as FixRun['json'];
  } catch {
    json = null;
  }
  let events: IterationEvent[];
  try {
    events = parseJsonlLog(readFileSync(log, 'utf8'));
  } catch {
    events = [];
  }
  const ms = Date.now() - started;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json, events, ms, pid: r.pid };
}

/** Each tool call of the run as logged: its summary line and, when the guard refused it, the reason given. */
export function toolCalls(run: FixRun): Array<{ message: string; rejected?: string; isError?: boolean }> {
  return run.events
    .filter((e) => e.phase === 'tool')
    .map((e) => ({ message: e.message, rejected: e.tool?.rejected, isError: e.tool?.isError }));
}

export function read(repo: string, path: string): string {
  return readFileSync(join(repo, path), 'utf8');
}
