// The git process itself: a silent command ends when git does, one that prints nothing for the idle timeout is
// killed, an aborted one stops, even when a child git left behind still holds its output pipes, and a failure
// carries git's own words.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GitError } from '../../src/git/errors.js';
import { GitRunner } from '../../src/git/runner.js';
import { tempDir } from './helpers.js';

function runner(idleTimeoutMs?: number): GitRunner {
  const base = tempDir('runner');
  const dir = join(base, 'work');
  const gitDir = join(base, 'git');
  mkdirSync(dir);
  mkdirSync(gitDir);
  return new GitRunner({ dir, gitDir, ...(idleTimeoutMs ? { idleTimeoutMs } : {}) });
}

// A shell alias is the simplest git command that runs as long as we like; `sleep` is git's child, so killing git
// leaves it holding the pipes, as a killed fetch leaves its remote helper.
const hang = (seconds: number) => ['-c', `alias.hang=!sleep ${seconds}`, 'hang'];

it('returns what git prints and ends a command that prints nothing', async () => {
  const git = runner();
  expect(await git.run(['init', '--quiet'])).toBe('');
  expect((await git.run(['rev-parse', '--is-bare-repository'])).trim()).toBe('false');
});

it('fails with git’s own message', async () => {
  const git = runner();
  await git.run(['init', '--quiet']);
  const error = await git.run(['rev-parse', '--verify', 'no-such-ref^{commit}']).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GitError);
  expect((error as GitError).message).toMatch(/^git rev-parse failed: fatal: Needed a single revision/);
});

it('kills a command that prints nothing for the idle timeout, though a child holds its pipes', async () => {
  const git = runner(300);
  const started = Date.now();
  const error = await git.run(hang(20)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GitError);
  expect((error as GitError).message).toContain('no output for 300 ms, stopped');
  expect(Date.now() - started).toBeLessThan(15_000); // not the 20 s the orphaned sleep lives
});

it('stops an aborted command', async () => {
  const git = runner();
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 200);
  const error = await git.run(hang(20), { signal: abort.signal }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GitError);
  expect((error as GitError).message).toMatch(/was stopped: the job was cancelled$/);
});
