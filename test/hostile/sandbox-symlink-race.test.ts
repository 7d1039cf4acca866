import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSandboxed } from '../../src/sandbox/index.js';
import { WorkspacePathError } from '../../src/tools/index.js';

// Issue 15, attack "symlink race": a process the repository's test leaves behind swaps a workspace folder with a
// symlink to a host folder many thousand times a second while the model reads and edits a file under it. The
// host must never read or write outside the workspace, whatever the timing.
jest.setTimeout(180_000);

let hostDir: string;
let repo: string;

beforeAll(() => {
  hostDir = mkdtempSync(join(tmpdir(), 'mimo-hostile-host-'));
  writeFileSync(join(hostDir, 'mod.py'), 'HOST SECRET\n');
  repo = mkdtempSync(join(tmpdir(), 'mimo-hostile-repo-'));
  mkdirSync(join(repo, 'pkg'));
  writeFileSync(join(repo, 'pkg', 'mod.py'), 'x = 1\n');
});

afterAll(() => {
  rmSync(hostDir, { recursive: true, force: true });
  rmSync(repo, { recursive: true, force: true });
});

/** The racer: escapes its wrapper (kill -9 of the parent shell), closes its output, then swaps pkg forever. */
function racer(target: string): string {
  return (
    `(exec >/dev/null 2>&1; cd /workspace; mkdir -p real; cp pkg/mod.py real/; ` +
    `while :; do rm -rf pkg; ln -s ${target} pkg; rm -f pkg; mkdir pkg; cp real/mod.py pkg/; done) & ` +
    `sleep 0.2; kill -9 $PPID`
  );
}

describe('hostile repository: symlink race against the agent’s file tools', () => {
  it.each(['runc', 'runsc'] as const)(
    'never reads or writes the host folder a racing process points a workspace folder at (%s)',
    async (runtime) => {
      const reads = new Set<string>();
      await runSandboxed({ workspace: repo, policy: { runtime } }, async ({ sandbox, workspace }) => {
        await sandbox.exec(racer(hostDir), { timeoutMs: 20_000 });
        for (let i = 0; i < 150; i++) {
          try {
            await workspace.write('pkg/mod.py', `edited ${i}\n`);
          } catch (error) {
            if (!(error instanceof WorkspacePathError)) throw error;
          }
          try {
            reads.add(await workspace.read('pkg/mod.py'));
          } catch (error) {
            if (!(error instanceof WorkspacePathError)) throw error;
          }
        }
      });
      expect(readFileSync(join(hostDir, 'mod.py'), 'utf8')).toBe('HOST SECRET\n');
      expect(readdirSync(hostDir)).toEqual(['mod.py']);
      expect([...reads].filter((text) => text.includes('HOST SECRET'))).toEqual([]);
      // and the repository the sandbox was made from is never written by the sandbox either
      expect(readFileSync(join(repo, 'pkg', 'mod.py'), 'utf8')).toBe('x = 1\n');
    },
  );
});
