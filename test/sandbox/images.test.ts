import { jest } from '@jest/globals';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  baseImageName,
  buildImages,
  openDockerSandbox,
  RUNNER_PACKAGES,
  runnerDockerfile,
  runnerImageName,
  type Sandbox,
} from '../../src/sandbox/index.js';
import { removeWorkspaces, tempWorkspace } from './helpers.js';

jest.setTimeout(180_000);

describe('runner image recipe', () => {
  it('tags images by a hash of their recipe', () => {
    expect(baseImageName()).toMatch(/^mimo-base:[0-9a-f]{12}$/);
    expect(runnerImageName()).toMatch(/^mimo-runner:[0-9a-f]{12}$/);
    expect(runnerImageName()).toBe(runnerImageName());
  });

  it('layers the runner on the debootstrapped base with every toolchain', () => {
    const dockerfile = runnerDockerfile();
    expect(dockerfile.split('\n')[0]).toBe(`FROM ${baseImageName()}`);
    for (const pkg of [
      'python3-pytest',
      'python3-coverage',
      'python-is-python3',
      'nodejs',
      'npm',
      'golang-go',
      'cargo',
    ]) {
      expect(RUNNER_PACKAGES).toContain(pkg);
      expect(dockerfile).toContain(pkg);
    }
  });

  it('skips building images that are present', async () => {
    const messages: string[] = [];
    const built = await buildImages(({ image, message }) => messages.push(`${image} ${message}`));
    expect(built.map((b) => [b.name, b.built])).toEqual([
      [baseImageName(), false],
      [runnerImageName(), false],
    ]);
    expect(messages).toEqual([
      `${baseImageName()} present, not rebuilt`,
      `${runnerImageName()} present, not rebuilt`,
    ]);
  });
});

describe('runner image in the locked-down sandbox (no network, read-only root)', () => {
  let workspace: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    workspace = tempWorkspace();
    const write = (path: string, text: string) => {
      mkdirSync(join(workspace, path, '..'), { recursive: true });
      writeFileSync(join(workspace, path), text);
    };
    write(
      'py/test_calc.py',
      'def test_add():\n    assert 1 + 1 == 2\n\ndef test_fails():\n    assert 1 + 1 == 3\n',
    );
    write('js/package.json', '{"name":"t","version":"1.0.0","scripts":{"test":"node --test"}}\n');
    write(
      'js/test/sum.test.js',
      "const t = require('node:test');\nt.test('sum', () => { if (1 + 1 !== 2) throw new Error('bad'); });\n",
    );
    write('go/go.mod', 'module example.com/calc\n\ngo 1.22\n');
    write(
      'go/calc_test.go',
      'package calc\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n\tif 1+1 != 2 {\n\t\tt.Fatal("bad")\n\t}\n}\n',
    );
    write('rs/Cargo.toml', '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n');
    write(
      'rs/src/lib.rs',
      '#[cfg(test)]\nmod tests {\n    #[test]\n    fn add() { assert_eq!(1 + 1, 2); }\n}\n',
    );
    sandbox = await openDockerSandbox({ workspace });
  });

  afterAll(async () => {
    await sandbox?.dispose();
  });

  it('runs pytest (as `python`) with coverage and reports the failing test', async () => {
    const result = await sandbox.exec('python -m coverage run -m pytest -q', { cwd: 'py' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/1 failed, 1 passed/);
    expect((await sandbox.exec('python -m coverage report', { cwd: 'py' })).stdout).toContain('test_calc.py');
  });

  it('runs npm test with node', async () => {
    const result = await sandbox.exec('npm test', { cwd: 'js' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/pass 1/);
  });

  it('runs go test offline', async () => {
    const result = await sandbox.exec('go test ./...', { cwd: 'go' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^ok\s+example.com\/calc/m);
  });

  it('runs cargo test offline', async () => {
    const result = await sandbox.exec('cargo test --offline', { cwd: 'rs' });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/test result: ok\. 1 passed/);
  });

  it('names the sandbox user for tools that look it up', async () => {
    const result = await sandbox.exec('python -c "import getpass; print(getpass.getuser())"');
    expect(result).toMatchObject({ exitCode: 0, stdout: 'sandbox\n' });
  });

  it('has make', async () => {
    expect((await sandbox.exec('make --version')).exitCode).toBe(0);
  });
});

afterAll(() => removeWorkspaces());
