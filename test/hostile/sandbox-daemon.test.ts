import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSandboxed } from '../../src/sandbox/index.js';

// Issue 15, attack "a process outlives its command": the test kill -9s the shell that wraps it (same uid), so an
// end-of-command sweep run by that shell never happens; its daemon, output closed, keeps writing to the
// workspace while the host reads and edits files. After every command nothing it started may still run.
jest.setTimeout(120_000);

let repo: string;

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'mimo-hostile-daemon-'));
  writeFileSync(join(repo, 'README.md'), 'demo\n');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

const DAEMON =
  '(exec >/dev/null 2>&1 </dev/null; while :; do echo tick >> /workspace/daemon.log; sleep 0.05; done) & ' +
  'sleep 0.3; kill -9 $PPID; echo survived-the-kill';

describe('hostile repository: a daemon that kills its wrapper', () => {
  it.each(['runc', 'runsc'] as const)(
    'is ended with its command: the workspace stops changing and the next command starts alone (%s)',
    async (runtime) => {
      await runSandboxed({ workspace: repo, policy: { runtime } }, async ({ sandbox, workspace }) => {
        const started = performance.now();
        await sandbox.exec(DAEMON, { timeoutMs: 30_000 });
        expect(performance.now() - started).toBeLessThan(20_000); // nothing hangs
        const first = (await workspace.readIfExists('daemon.log')) ?? '';
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const second = (await workspace.readIfExists('daemon.log')) ?? '';
        expect(second.length).toBe(first.length);

        // Every process of the sandbox user the next command sees is its own (ps, its shell) or the runner.
        const ps = await sandbox.exec(['ps', '-o', 'pid=,args=', '-u', String(await uidOf())]);
        const others = ps.stdout
          .split('\n')
          // (the runner, its timer for this command — `sleep` of the timeout in seconds.mmm — and ps itself)
          .filter((line) => line.trim() && !/mimo-runner|ps -o pid|^\s*\d+ sleep \d+\.\d{3}$/.test(line));
        expect(others).toEqual([]);

        async function uidOf(): Promise<string> {
          return (await sandbox.exec('id -u')).stdout.trim();
        }
      });
    },
  );
});
