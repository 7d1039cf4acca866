// What every host-side git process is started with, recorded by a `git` wrapper placed first on PATH: the hardening
// flags are on every command, and the token is never on a command line (where `ps` would show it to any local user).
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { GitWorkspace, InvalidInputError } from '../../src/git/index.js';
import type { GitHttpServer } from '../e2e/github-double/git-http.js';
import { TOKEN, createBareRepo, startDouble, tempDir, tokenForms } from './helpers.js';

let root: string;
let server: GitHttpServer;
let wrapperDir: string;
let argvLog: string;
let savedPath: string | undefined;
const scratch: string[] = [];

function workspaceBase(): string {
  const base = tempDir('ws');
  scratch.push(base);
  return base;
}

beforeAll(async () => {
  root = tempDir('argv-root');
  createBareRepo(root, 'octo/app', { 'a.py': 'a = 1\n' });
  server = await startDouble(root);
  wrapperDir = tempDir('wrapper');
  argvLog = join(wrapperDir, 'argv.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(
    join(wrapperDir, 'git'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(join(wrapperDir, 'git'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${wrapperDir}:${savedPath ?? ''}`;
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await server.close();
  for (const dir of [root, wrapperDir, ...scratch]) rmSync(dir, { recursive: true, force: true });
});

describe('host-side git command lines', () => {
  it('carry the hardening config on every command and never the token, through clone, commit and push', async () => {
    const base = workspaceBase();
    const url = `${server.url}/octo/app.git`;
    const ws = await GitWorkspace.clone({
      url,
      token: TOKEN,
      ref: 'main',
      dir: join(base, 'w'),
      gitDir: join(base, 'g'),
    });
    writeFileSync(join(ws.dir, 'a.py'), 'a = 2\n');
    await ws.createBranch('mimo/fix-1-0000000');
    await ws.commit(['a.py'], 'fix', { name: 'mimo[bot]', email: 'bot@example.com' });
    await ws.push({ url, token: TOKEN, branch: 'mimo/fix-1-0000000' });

    // The double's own `git http-backend` (server side) goes through the wrapper too; the client commands are ours.
    const commands = readFileSync(argvLog, 'utf8')
      .trim()
      .split('\n')
      .filter((line) => line !== 'http-backend');
    expect(commands.length).toBeGreaterThan(8);
    expect(commands.some((line) => / fetch /.test(line))).toBe(true);
    expect(commands.some((line) => / push /.test(line))).toBe(true);
    for (const line of commands) {
      expect(line).toContain('core.hooksPath=/dev/null');
      expect(line).toContain('core.fsmonitor=false');
      expect(line).toContain('protocol.allow=never');
      for (const form of tokenForms(TOKEN)) expect(line).not.toContain(form);
    }
  });

  it('reopens a workspace from its two directories and refuses a git dir inside the work tree', async () => {
    const base = workspaceBase();
    const url = `${server.url}/octo/app.git`;
    const first = await GitWorkspace.clone({
      url,
      token: TOKEN,
      ref: 'main',
      dir: join(base, 'w'),
      gitDir: join(base, 'g'),
    });
    const again = await GitWorkspace.open({ dir: first.dir, gitDir: first.gitDir });
    expect(await again.headSha()).toBe(await first.headSha());
    await expect(GitWorkspace.open({ dir: first.dir, gitDir: join(first.dir, 'g') })).rejects.toThrow(
      InvalidInputError,
    );
  });
});
