// CLI hygiene: the command before `npm install` says so in one line; `mimo exec` as root on a root-owned directory
// leaves its owners and modes as they were (the sandbox works on it as uid 10001 meanwhile).
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/mimo.js');
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('CLI hygiene', () => {
  it('says to run npm install, in one line, when the dependencies are missing', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'mimo-fresh-'));
    cpSync(join(root, 'bin'), join(fresh, 'bin'), { recursive: true });
    cpSync(join(root, 'scripts'), join(fresh, 'scripts'), { recursive: true });
    cpSync(join(root, 'package.json'), join(fresh, 'package.json'));
    const result = spawnSync(process.execPath, [join(fresh, 'bin/mimo.js'), '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `mimo: dependencies are not installed; run \`npm install\` in ${fresh} first`,
    ]);
  });

  (asRoot ? it : it.skip)(
    'mimo exec as root leaves the owner and mode of a root-owned directory as they were',
    () => {
      const repo = mkdtempSync(join(tmpdir(), 'mimo-exec-owner-'));
      mkdirSync(join(repo, 'src'));
      writeFileSync(join(repo, 'src/a.txt'), 'a\n');
      chmodSync(join(repo, 'src/a.txt'), 0o640);
      symlinkSync('src/a.txt', join(repo, 'link'));
      chmodSync(repo, 0o750);
      const before = snapshot(repo);
      const result = spawnSync(
        process.execPath,
        [bin, 'exec', '--repo', repo, '--', 'id -u > out.txt && echo b > src/b.txt && cat src/a.txt'],
        { encoding: 'utf8', timeout: 120_000 },
      );
      expect(result.status).toBe(0);
      const out = JSON.parse(result.stdout) as { stdout: string };
      expect(out.stdout).toBe('a\n');
      const after = snapshot(repo);
      for (const [path, info] of Object.entries(before)) expect([path, after[path]]).toEqual([path, info]);
      // Whatever the command wrote is owned by the directory's owner, never by the sandbox's uid.
      for (const info of Object.values(after)) expect(info.uid).toBe(0);
      expect(lstatSync(join(repo, 'link')).isSymbolicLink()).toBe(true);
    },
    180_000,
  );
});

function snapshot(dir: string, prefix = ''): Record<string, { uid: number; gid: number; mode: number }> {
  const out: Record<string, { uid: number; gid: number; mode: number }> = {};
  const info = lstatSync(dir);
  out[prefix || '.'] = { uid: info.uid, gid: info.gid, mode: info.mode };
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    const entry = lstatSync(path);
    if (entry.isDirectory()) Object.assign(out, snapshot(path, rel));
    else out[rel] = { uid: entry.uid, gid: entry.gid, mode: entry.mode };
  }
  return out;
}
