// GitWorkspace.push over the smart-HTTP double: a new fix branch lands in the bare repository; every refusal is a
// typed error that says what to do, and never carries the token.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GitWorkspace, PushDeniedError, PushRejectedError } from '../../src/git/index.js';
import type { GitHttpServer } from '../e2e/github-double/git-http.js';
import {
  READ_ONLY_TOKEN,
  TOKEN,
  createBareRepo,
  filesContaining,
  git,
  pushCommit,
  startDouble,
  tempDir,
  tokenForms,
} from './helpers.js';

let root: string;
let server: GitHttpServer;
const scratch: string[] = [];
const bot = { name: 'mimo[bot]', email: 'mimo[bot]@users.noreply.github.com' };
let repoCount = 0;

beforeAll(async () => {
  root = tempDir('push-root');
  server = await startDouble(root);
});

afterAll(async () => {
  await server.close();
  for (const dir of [root, ...scratch]) rmSync(dir, { recursive: true, force: true });
});

/** A fresh repository on the double, a workspace cloned from it, and one committed fix. */
async function fixedWorkspace(): Promise<{ ws: GitWorkspace; repo: string; url: string; fix: string }> {
  const repo = `octo/p${++repoCount}`;
  createBareRepo(root, repo, { 'calc.py': 'def add(a, b):\n    return a - b\n' });
  const base = tempDir('ws');
  scratch.push(base);
  const url = `${server.url}/${repo}.git`;
  const ws = await GitWorkspace.clone({
    url,
    token: TOKEN,
    ref: 'main',
    dir: join(base, 'work'),
    gitDir: join(base, 'git'),
  });
  writeFileSync(join(ws.dir, 'calc.py'), 'def add(a, b):\n    return a + b\n');
  const fix = await ws.commit(['calc.py'], 'mimo: fix add()', bot);
  return { ws, repo, url, fix };
}

/** The commit a ref of the bare repository points at, or '' when it does not exist. */
function bareRef(repo: string, ref: string): string {
  const refs = git([
    '--git-dir',
    join(root, `${repo}.git`),
    'for-each-ref',
    '--format=%(objectname) %(refname)',
  ]);
  const line = refs.split('\n').find((entry) => entry.endsWith(` ${ref}`));
  return line ? line.split(' ')[0]! : '';
}

function serialized(error: unknown): string {
  return JSON.stringify(error, Object.getOwnPropertyNames(error as object)) + String(error);
}

describe('GitWorkspace.push', () => {
  it('pushes a new fix branch that is then visible in the bare repository, leaving the token nowhere', async () => {
    const { ws, repo, url, fix } = await fixedWorkspace();
    const mainBefore = bareRef(repo, 'refs/heads/main');
    await ws.createBranch('mimo/fix-3-abcdef1');
    await ws.push({ url, token: TOKEN, branch: 'mimo/fix-3-abcdef1' });

    expect(bareRef(repo, 'refs/heads/mimo/fix-3-abcdef1')).toBe(fix);
    expect(bareRef(repo, 'refs/heads/main')).toBe(mainBefore);
    expect(git(['--git-dir', join(root, `${repo}.git`), 'show', `${fix}:calc.py`])).toContain('return a + b');
    expect(filesContaining(ws.dir, tokenForms(TOKEN))).toEqual([]);
    expect(filesContaining(ws.gitDir, tokenForms(TOKEN))).toEqual([]);
  });

  it('raises PushDeniedError (forbidden) when the token may read but not write, without the token in it', async () => {
    const { ws, repo, url } = await fixedWorkspace();
    const error = await ws
      .push({ url, token: READ_ONLY_TOKEN, branch: 'mimo/fix-1' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PushDeniedError);
    expect((error as PushDeniedError).reason).toBe('forbidden');
    expect((error as PushDeniedError).branch).toBe('mimo/fix-1');
    expect((error as PushDeniedError).message).toMatch(/Contents: read and write/);
    expect((error as PushDeniedError).detail).toMatch(/403/);
    for (const form of [...tokenForms(READ_ONLY_TOKEN), ...tokenForms(TOKEN)]) {
      expect(serialized(error)).not.toContain(form);
    }
    expect(bareRef(repo, 'refs/heads/mimo/fix-1')).toBe('');
  });

  it('raises PushDeniedError (unauthenticated) for a rejected or missing token', async () => {
    const { ws, url } = await fixedWorkspace();
    for (const token of ['ghs_ExpiredToken0000000000000000000', undefined]) {
      const error = await ws.push({ url, token, branch: 'mimo/fix-2' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PushDeniedError);
      expect((error as PushDeniedError).reason).toBe('unauthenticated');
      expect((error as PushDeniedError).message).toMatch(/expire/);
      if (token) expect(serialized(error)).not.toContain(token);
    }
  });

  it('raises PushDeniedError (protected-branch) when the server refuses the update of a protected branch', async () => {
    const { ws, repo, url } = await fixedWorkspace();
    const hook = join(root, `${repo}.git`, 'hooks', 'pre-receive');
    writeFileSync(
      hook,
      '#!/bin/sh\necho "error: GH006: Protected branch update failed for refs/heads/main." >&2\nexit 1\n',
    );
    chmodSync(hook, 0o755);
    const error = await ws.push({ url, token: TOKEN, branch: 'main' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushDeniedError);
    expect((error as PushDeniedError).reason).toBe('protected-branch');
    expect((error as PushDeniedError).message).toMatch(/new branch/);
  });

  it('raises PushRejectedError when the branch moved on the server, and force overwrites it', async () => {
    const { ws, repo, url, fix } = await fixedWorkspace();
    const theirs = pushCommit(root, repo, 'main', { 'calc.py': 'someone else pushed\n' });
    const error = await ws.push({ url, token: TOKEN, branch: 'main' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushRejectedError);
    expect((error as PushRejectedError).message).toMatch(/non-fast-forward/);
    expect(bareRef(repo, 'refs/heads/main')).toBe(theirs);

    await ws.push({ url, token: TOKEN, branch: 'main', force: true });
    expect(bareRef(repo, 'refs/heads/main')).toBe(fix);
  });
});
