import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const bin = new URL('../../bin/mimo.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

function mimo(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
}

describe('mimo CLI', () => {
  it('prints the package version', () => {
    const result = mimo('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('prints help naming the program', () => {
    const result = mimo('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: mimo');
  });

  it('exits 2 with a reason and the help on an unknown command', () => {
    const result = mimo('frobnicate');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(result.stderr).toContain('Usage: mimo');
  });

  it('exits 2 on an unknown option', () => {
    const result = mimo('--no-such-flag');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown option/);
  });
});
