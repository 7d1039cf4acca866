import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const bin = new URL('../../bin/mimo.js', import.meta.url).pathname;
const fixtures = new URL('../fixtures/feedback/', import.meta.url).pathname;

function mimo(args: string[], input?: string) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', input });
}

describe('mimo parse', () => {
  it('prints the report JSON of the CLI contract for a file', () => {
    const result = mimo(['parse', join(fixtures, 'pytest/long.log')]);
    expect(result.status).toBe(0);
    const expected = JSON.parse(readFileSync(join(fixtures, 'pytest/long.expected.json'), 'utf8')) as unknown;
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(Object.keys(JSON.parse(result.stdout) as object)).toEqual([
      'runner',
      'passed',
      'failed',
      'skipped',
      'failures',
    ]);
  });

  it('reads standard input with - and honours --runner', () => {
    const log = readFileSync(join(fixtures, 'go/default.log'), 'utf8');
    const result = mimo(['parse', '--runner', 'go', '-'], log);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ runner: 'go', failed: 2 });
  });

  it('--render prints the compact text for the model', () => {
    const result = mimo(['parse', '--render', '--tokens', '400', join(fixtures, 'cargo/default.log')]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('✗ tests::total_multiplies');
  });

  it('exits 2 on a missing file or an unknown runner', () => {
    expect(mimo(['parse', '/no/such/file']).status).toBe(2);
    const bad = mimo(['parse', '--runner', 'nope', join(fixtures, 'go/default.log')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown runner "nope"/);
  });
});
