// Real bare repositories, a real git smart-HTTP server and a few file-system probes for the git/ tests.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startGitHttpServer, type GitHttpServer } from '../e2e/github-double/git-http.js';

export const TOKEN = 'ghs_TestInstallationToken0123456789abcdef';
export const READ_ONLY_TOKEN = 'ghs_ReadOnlyInstallationToken987654321zyx';

export function basic(token: string): string {
  return `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

/** Every representation of a token that would leak it: raw, base64 of the Basic credential, the header value. */
export function tokenForms(token: string): string[] {
  return [token, Buffer.from(`x-access-token:${token}`).toString('base64'), basic(token)];
}

interface GitOptions {
  cwd?: string;
  env?: Record<string, string>;
}

function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Seed',
    GIT_AUTHOR_EMAIL: 'seed@example.com',
    GIT_COMMITTER_NAME: 'Seed',
    GIT_COMMITTER_EMAIL: 'seed@example.com',
    ...extra,
  };
}

/**
 * git with no system/global config, as a developer's plain command would run it, for local arrangements only: it
 * blocks the event loop, so never point it at the in-process HTTP server (use gitAsync for that).
 */
export function git(args: string[], options: GitOptions = {}): string {
  return execFileSync('git', args, {
    cwd: options.cwd,
    encoding: 'utf8',
    env: gitEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** git without blocking the event loop (for commands talking to the in-process double); rejects with stderr. */
export function gitAsync(args: string[], options: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd: options.cwd, encoding: 'utf8', env: gitEnv(options.env) },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`git ${args[0] ?? ''} failed: ${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `mimo-git-${prefix}-`));
}

/** Creates `<root>/<repo>.git` holding one commit on `main` with the given files; returns that commit's id. */
export function createBareRepo(root: string, repo: string, files: Record<string, string>): string {
  const bare = join(root, `${repo}.git`);
  mkdirSync(dirname(bare), { recursive: true });
  git(['init', '-q', '--bare', '--initial-branch=main', bare]);
  const seed = tempDir('seed');
  git(['init', '-q', '--initial-branch=main', seed]);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(seed, path)), { recursive: true });
    writeFileSync(join(seed, path), content);
  }
  git(['add', '-A'], { cwd: seed });
  git(['commit', '-q', '-m', 'seed'], { cwd: seed });
  git(['push', '-q', bare, 'main:main'], { cwd: seed });
  const sha = git(['rev-parse', 'HEAD'], { cwd: seed }).trim();
  rmSync(seed, { recursive: true, force: true });
  return sha;
}

/** Adds a commit on `branch` of a bare repository (as another push would) and returns its id. */
export function pushCommit(
  root: string,
  repo: string,
  branch: string,
  files: Record<string, string>,
): string {
  const bare = join(root, `${repo}.git`);
  const work = tempDir('push');
  git(['clone', '-q', '--branch', branch, bare, work]);
  for (const [path, content] of Object.entries(files)) writeFileSync(join(work, path), content);
  git(['add', '-A'], { cwd: work });
  git(['commit', '-q', '-m', `update ${branch}`], { cwd: work });
  git(['push', '-q', 'origin', branch], { cwd: work });
  const sha = git(['rev-parse', 'HEAD'], { cwd: work }).trim();
  rmSync(work, { recursive: true, force: true });
  return sha;
}

/** Lists every regular file under a directory, following no symlinks. */
export function allFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) out.push(path);
    }
  };
  walk(root);
  return out;
}

/** Files under `root` whose bytes contain any of `needles`. */
export function filesContaining(root: string, needles: string[]): string[] {
  return allFiles(root).filter((file) => {
    const bytes = readFileSync(file);
    return needles.some((needle) => bytes.includes(Buffer.from(needle)));
  });
}

/**
 * Serves `root` with the double's auth rules for these tests: TOKEN reads and writes everything, READ_ONLY_TOKEN only
 * reads, anything else (including no header) is refused.
 */
export async function startDouble(root: string): Promise<GitHttpServer> {
  return startGitHttpServer({
    root,
    checkAuth: (header, _repo, write) => {
      if (header === basic(TOKEN)) return true;
      if (header === basic(READ_ONLY_TOKEN)) return !write;
      return false;
    },
  });
}
