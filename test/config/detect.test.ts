import { detectTestCommand } from '../../src/config/index.js';

const repo = (name: string) => new URL(`../fixtures/repos/${name}`, import.meta.url).pathname;

describe('detectTestCommand', () => {
  it.each([
    ['npm-jest', 'npm test', 'jest', /package-lock/],
    ['pnpm-vitest', 'pnpm test', 'vitest', /pnpm-lock.yaml/],
    ['yarn-mocha', 'yarn test', 'mocha', /yarn.lock/],
    ['pyproject-pytest', 'python -m pytest', 'pytest', /pyproject.toml/],
    ['pytest-ini', 'python -m pytest', 'pytest', /pytest.ini/],
    ['setup-cfg', 'python -m pytest', 'pytest', /setup.cfg/],
    ['tox-ini', 'python -m pytest', 'pytest', /tox.ini/],
    ['tests-folder', 'python -m pytest', 'pytest', /tests\//],
    ['go-module', 'go test ./...', 'go', /go.mod/],
    ['cargo-crate', 'cargo test', 'cargo', /Cargo.toml/],
    ['makefile-only', 'make test', 'unknown', /Makefile/],
  ])('detects %s as `%s`', async (name, command, runner, reason) => {
    const found = await detectTestCommand(repo(name));
    expect(found).toMatchObject({ ok: true, command, runner });
    expect(found.ok && found.reason).toMatch(reason);
  });

  it("skips npm's placeholder test script and falls through to pytest", async () => {
    expect(await detectTestCommand(repo('npm-default-test'))).toMatchObject({
      ok: true,
      command: 'python -m pytest',
    });
  });

  it('tells the user to set test: when nothing is recognised', async () => {
    const found = await detectTestCommand(repo('unknown'));
    expect(found.ok).toBe(false);
    expect(!found.ok && found.message).toMatch(
      /could not detect a test command \(looked for .*\); set `test:` in .github\/mimo.yml/,
    );
  });

  it('reports an unparseable package.json instead of guessing', async () => {
    const found = await detectTestCommand(repo('bad-package-json'));
    expect(found).toEqual({ ok: false, message: expect.stringMatching(/package.json is not valid JSON/) });
  });

  it('treats a missing directory as undetectable, not a crash', async () => {
    expect((await detectTestCommand('/nonexistent/mimo-repo')).ok).toBe(false);
  });
});
