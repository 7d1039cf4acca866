import type { Sandbox } from '../sandbox/index.js';
import type { Workspace } from '../tools/index.js';

/** One error a linter reports (warnings are not counted). */
export interface LintFinding {
  file: string;
  line: number;
  rule: string;
  message: string;
}

/** The repository's own linter, as configured, runnable in the sandbox. */
export interface Linter {
  name: string;
  /** Findings for these files; rejects with LintUnavailableError when the linter cannot run there. */
  run(files: string[]): Promise<LintFinding[]>;
}

/** The configured linter cannot run (its config needs plugins that are not installed, or it crashed). */
export class LintUnavailableError extends Error {
  override name = 'LintUnavailableError';
}

const ESLINT_FLAT = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts'];
const ESLINT_RC = [
  '.eslintrc',
  '.eslintrc.js',
  '.eslintrc.cjs',
  '.eslintrc.json',
  '.eslintrc.yml',
  '.eslintrc.yaml',
];

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

async function firstExisting(ws: Workspace, names: string[]): Promise<string | undefined> {
  for (const name of names) if (await ws.exists(name).catch(() => false)) return name;
  return undefined;
}

async function onPath(sandbox: Sandbox, program: string): Promise<boolean> {
  return (
    (await sandbox.exec(['sh', '-c', 'command -v "$0" >/dev/null', program], { timeoutMs: 10_000 }))
      .exitCode === 0
  );
}

function eslintLinter(ws: Workspace, sandbox: Sandbox, flat: boolean): Linter {
  return {
    name: 'eslint',
    async run(files) {
      const js = files.filter((f) => /\.[cm]?[jt]sx?$/.test(f));
      if (js.length === 0) return [];
      const local = await ws.exists('node_modules/.bin/eslint').catch(() => false);
      const bin = local ? 'node_modules/.bin/eslint' : 'eslint';
      const env: Record<string, string> = flat ? {} : { ESLINT_USE_FLAT_CONFIG: 'false' };
      const result = await sandbox.exec(`${bin} --format json ${js.map(quote).join(' ')}`, {
        timeoutMs: 120_000,
        maxOutputBytes: 4 * 1024 * 1024,
        env,
      });
      if (result.exitCode !== 0 && result.exitCode !== 1)
        throw new LintUnavailableError(
          `eslint could not run: ${(result.stderr || result.stdout).trim().split('\n').slice(0, 3).join(' ')}`,
        );
      const root = sandbox.workdir.replace(/\/+$/, '') + '/';
      let parsed: Array<{
        filePath: string;
        messages: Array<{ ruleId: string | null; message: string; severity: number; line?: number }>;
      }>;
      try {
        parsed = JSON.parse(result.stdout) as typeof parsed;
      } catch {
        throw new LintUnavailableError('eslint printed no JSON report');
      }
      return parsed.flatMap((f) =>
        f.messages
          .filter((m) => m.severity === 2)
          .map((m) => ({
            file: f.filePath.startsWith(root) ? f.filePath.slice(root.length) : f.filePath,
            line: m.line ?? 0,
            rule: m.ruleId ?? 'parse-error',
            message: m.message,
          })),
      );
    },
  };
}

function pythonLinter(sandbox: Sandbox, tool: 'ruff' | 'flake8'): Linter {
  return {
    name: tool,
    async run(files) {
      const py = files.filter((f) => f.endsWith('.py'));
      if (py.length === 0) return [];
      const command =
        tool === 'ruff'
          ? `ruff check --output-format concise --no-fix ${py.map(quote).join(' ')}`
          : `python3 -m flake8 --format='%(path)s:%(row)d:%(col)d: %(code)s %(text)s' ${py.map(quote).join(' ')}`;
      const result = await sandbox.exec(command, { timeoutMs: 120_000, maxOutputBytes: 4 * 1024 * 1024 });
      if (result.exitCode !== 0 && result.exitCode !== 1)
        throw new LintUnavailableError(
          `${tool} could not run: ${(result.stderr || result.stdout).trim().split('\n')[0]}`,
        );
      return [...result.stdout.matchAll(/^(.+?\.py):(\d+):\d+: ([A-Z]+\d+) (.*)$/gm)].map((m) => ({
        file: m[1]!.replace(/^\.\//, ''),
        line: Number(m[2]),
        rule: m[3]!,
        message: m[4]!,
      }));
    },
  };
}

/** The linters the repository configures and the sandbox can run: ESLint, ruff, flake8. */
export async function configuredLinters(
  ws: Workspace,
  sandbox: Sandbox,
): Promise<{ linters: Linter[]; notes: string[] }> {
  const linters: Linter[] = [];
  const notes: string[] = [];
  const pkg = (await ws.readIfExists('package.json').catch(() => null)) ?? '';
  const flat = await firstExisting(ws, ESLINT_FLAT);
  const rc = flat
    ? undefined
    : ((await firstExisting(ws, ESLINT_RC)) ?? (/"eslintConfig"\s*:/.test(pkg) ? 'package.json' : undefined));
  if (flat || rc) {
    if ((await ws.exists('node_modules/.bin/eslint').catch(() => false)) || (await onPath(sandbox, 'eslint')))
      linters.push(eslintLinter(ws, sandbox, !!flat));
    else notes.push(`ESLint is configured (${flat ?? rc}) but not runnable in the sandbox`);
  }
  const pyproject = (await ws.readIfExists('pyproject.toml').catch(() => null)) ?? '';
  const ruff =
    (await firstExisting(ws, ['ruff.toml', '.ruff.toml'])) ??
    (/^\[tool\.ruff/m.test(pyproject) ? 'pyproject.toml' : undefined);
  let flake8 = await firstExisting(ws, ['.flake8']);
  for (const file of ['setup.cfg', 'tox.ini']) {
    if (!flake8 && /^\[flake8\]/m.test((await ws.readIfExists(file).catch(() => null)) ?? '')) flake8 = file;
  }
  if (ruff && (await onPath(sandbox, 'ruff'))) linters.push(pythonLinter(sandbox, 'ruff'));
  else if (ruff || flake8) {
    const available =
      (await sandbox.exec('python3 -m flake8 --version', { timeoutMs: 20_000 })).exitCode === 0;
    if (available) linters.push(pythonLinter(sandbox, 'flake8'));
    else
      notes.push(
        `${ruff ? 'ruff' : 'flake8'} is configured (${ruff ?? flake8}) but not runnable in the sandbox`,
      );
    if (ruff && available)
      notes.push(`ruff is configured (${ruff}) but not in the sandbox: flake8 checks instead`);
  }
  return { linters, notes };
}

/** Findings of `after` that `before` does not have (compared by file, rule and message, not line). */
export function newFindings(before: LintFinding[], after: LintFinding[]): LintFinding[] {
  const counts = new Map<string, number>();
  const key = (f: LintFinding): string => `${f.file}\0${f.rule}\0${f.message}`;
  for (const f of before) counts.set(key(f), (counts.get(key(f)) ?? 0) + 1);
  return after.filter((f) => {
    const n = counts.get(key(f)) ?? 0;
    if (n > 0) counts.set(key(f), n - 1);
    return n === 0;
  });
}
