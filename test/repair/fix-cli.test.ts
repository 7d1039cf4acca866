// `mimo fix` end to end: the real binary, the real Docker sandbox and runner image, real runners inside it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseJsonlLog } from '../../src/repair/index.js';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/mimo.js');
const examples = join(root, 'examples');

function mimo(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 240_000 });
}

/** `mimo fix` with extra environment variables (e.g. the operator's MIMO_SANDBOX_RUNTIME). */
function mimoWith(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, ...env },
  });
}

function copyOf(example: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-fix-cli-'));
  cpSync(join(examples, example), dir, { recursive: true });
  return dir;
}

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimo-fix-cli-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const SLOW = 300_000;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('mimo fix (real Docker sandbox)', () => {
  // Under runc, and under gVisor by the operator's MIMO_SANDBOX_RUNTIME=runsc, which the repository's own
  // `sandbox.runtime: runc` cannot lower (the clamp line says so).
  it.each(['runc', 'runsc'] as const)(
    'repairs the csv-pipeline example offline with --model none and writes back only the fix (%s)',
    (runtime) => {
      const repo = copyOf('csv-pipeline');
      dirs.push(repo);
      if (runtime === 'runsc') {
        mkdirSync(join(repo, '.github'));
        writeFileSync(join(repo, '.github/mimo.yml'), 'sandbox:\n  runtime: runc\n');
      }
      const result = mimoWith({ MIMO_SANDBOX_RUNTIME: runtime }, 'fix', '--repo', repo, '--model', 'none');
      expect(result.status).toBe(0);
      const out = JSON.parse(result.stdout) as {
        success: boolean;
        files: string[];
        stop: { reason: string };
        iterations: number;
      };
      expect(out).toMatchObject({
        success: true,
        files: ['pipeline/stats.py'],
        stop: { reason: 'green' },
        iterations: 0,
      });
      expect(readFileSync(join(repo, 'pipeline/stats.py'), 'utf8')).toBe(
        readFileSync(join(examples, 'csv-pipeline/pipeline/stats.py'), 'utf8').replace(
          'from collections import defaultdict\n',
          // isort's order: plain imports before from-imports within the standard-library block.
          'import statistics\nfrom collections import defaultdict\n',
        ),
      );
      // nothing the tests wrote in the sandbox copy comes back
      expect(existsSync(join(repo, '.pytest_cache'))).toBe(false);
      expect(existsSync(join(repo, 'pipeline/__pycache__'))).toBe(false);
      const events = parseJsonlLog(readFileSync(join(repo, '.mimo/log.jsonl'), 'utf8'));
      expect(events.map((e) => e.phase)).toEqual(
        expect.arrayContaining(['start', 'baseline', 'fixer', 'proof', 'stop']),
      );
      expect(events.at(-1)!.stop?.reason).toBe('green');
      expect(result.stderr).toMatch(/\[baseline\] baseline test run — 2 failing, 3 passing/);
      expect(result.stderr).toMatch(/\[stop\] green/);
      if (runtime === 'runsc') {
        expect(result.stderr).toMatch(
          /\[limits\] sandbox\.runtime: the repository asks for runc, raised to runsc \(the operator's MIMO_SANDBOX_RUNTIME\)/,
        );
      }
    },
    SLOW,
  );

  it(
    'repairs the invoice logic bug with its scripted turns in 3 iterations, logging to --log',
    () => {
      const repo = copyOf('invoice');
      dirs.push(repo);
      const log = join(repo, 'elsewhere.jsonl');
      const result = mimo(
        'fix',
        '--repo',
        repo,
        '--model',
        `scripted:${join(examples, 'invoice.scripted.jsonl')}`,
        '--log',
        log,
      );
      expect(result.status).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        success: true,
        iterations: 3,
        files: ['src/invoice.js'],
      });
      expect(readFileSync(join(repo, 'src/invoice.js'), 'utf8')).toContain('quantity >= BULK_QUANTITY');
      expect(parseJsonlLog(readFileSync(log, 'utf8')).at(-1)!.stop?.reason).toBe('green');
    },
    SLOW,
  );

  it(
    'exits 1 and leaves the repository untouched when the fixers cannot fix it and no model is set',
    () => {
      const repo = copyOf('invoice');
      dirs.push(repo);
      const result = mimo('fix', '--repo', repo, '--model', 'none');
      expect(result.status).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({
        success: false,
        wroteBack: false,
        stop: { reason: 'no_progress' },
      });
      expect(readFileSync(join(repo, 'src/invoice.js'), 'utf8')).toBe(
        readFileSync(join(examples, 'invoice/src/invoice.js'), 'utf8'),
      );
    },
    SLOW,
  );

  it(
    'repairs a Python repository with two missing imports (json, then a name from collections)',
    () => {
      const repo = repoWith({
        'tests/test_tally.py':
          'from tally import tally\n\n\ndef test_tally():\n    assert tally(["a", "b", "a"]) == \'{"a": 2, "b": 1}\'\n',
        'tally.py':
          'def tally(words):\n    counts = Counter(words)\n    return json.dumps(dict(sorted(counts.items())))\n',
      });
      dirs.push(repo);
      const result = mimo('fix', '--repo', repo, '--model', 'none', '--test', 'python -m pytest -q');
      expect(result.status).toBe(0);
      expect(readFileSync(join(repo, 'tally.py'), 'utf8')).toBe(
        'import json\nfrom collections import Counter\n\n\ndef tally(words):\n    counts = Counter(words)\n    return json.dumps(dict(sorted(counts.items())))\n',
      );
    },
    SLOW,
  );

  it(
    'repairs a TypeScript repository whose build fails with TS2304 (a name exported by another module)',
    () => {
      const repo = repoWith({
        'package.json':
          '{"type":"module","scripts":{"test":"node node_modules/typescript/bin/tsc -p . && node --test dist/"}}\n',
        'tsconfig.json':
          '{"compilerOptions":{"strict":true,"module":"NodeNext","moduleResolution":"NodeNext","target":"ES2022","rootDir":"src","outDir":"dist","types":[]},"include":["src"]}\n',
        'src/money.ts':
          'export function cents(amount: number): number {\n  return Math.round(amount * 100);\n}\n',
        'src/total.ts':
          'export function total(amounts: number[]): number {\n  return amounts.reduce((sum, a) => sum + cents(a), 0);\n}\n',
        'src/total.test.ts':
          "import { strictEqual } from 'node:assert';\nimport { test } from 'node:test';\nimport { total } from './total.js';\n\n" +
          "test('total in cents', () => {\n  strictEqual(total([1.1, 2.2]), 330);\n});\n",
        'src/node-test.d.ts':
          "declare module 'node:test' { export function test(name: string, fn: () => void): void; }\n" +
          "declare module 'node:assert' { export function strictEqual(a: unknown, b: unknown): void; }\n",
      });
      cpSync(join(root, 'node_modules/typescript'), join(repo, 'node_modules/typescript'), {
        recursive: true,
      });
      dirs.push(repo);
      const result = mimo('fix', '--repo', repo, '--model', 'none');
      // TypeScript's own code fix, through the language service, not the text fixer.
      expect(result.stderr).toMatch(
        /ts-import: add `import \{ cents \} from '\.\/money\.js';` in src\/total\.ts \(TS2304/,
      );
      expect(result.status).toBe(0);
      expect(readFileSync(join(repo, 'src/total.ts'), 'utf8').split('\n').slice(0, 3)).toEqual([
        "import { cents } from './money.js';",
        '',
        'export function total(amounts: number[]): number {',
      ]);
      expect(existsSync(join(repo, 'dist'))).toBe(false);
    },
    SLOW,
  );

  it(
    'ends cleanly on Ctrl-C (SIGINT) during a test run: stop "aborted", exit 1, nothing written back',
    async () => {
      const repo = copyOf('csv-pipeline');
      dirs.push(repo);
      const child = spawn(process.execPath, [
        bin,
        'fix',
        '--repo',
        repo,
        '--model',
        'none',
        '--test',
        'sleep 60; python -m pytest',
      ]);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('[start]') && !child.killed) child.kill('SIGINT');
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).toMatch(/\[stop\] aborted: stopped on request/);
      expect(code).toBe(1);
      expect(JSON.parse(stdout)).toMatchObject({
        success: false,
        wroteBack: false,
        stop: { reason: 'aborted' },
      });
      expect(readFileSync(join(repo, 'pipeline/stats.py'), 'utf8')).not.toContain('import statistics');
    },
    SLOW,
  );

  it(
    'exits 2 on bad input',
    () => {
      expect(mimo('fix', '--repo', '/no/such/dir').status).toBe(2);
      const repo = copyOf('csv-pipeline');
      dirs.push(repo);
      const iterations = mimo('fix', '--repo', repo, '--max-iterations', '0');
      expect(iterations.status).toBe(2);
      expect(iterations.stderr).toMatch(/--max-iterations 0: expected a whole number/);
      const model = mimo('fix', '--repo', repo, '--model', 'frobnicate:x');
      expect(model.status).toBe(2);
      const empty = repoWith({ 'README.md': 'nothing to test\n' });
      dirs.push(empty);
      const detect = mimo('fix', '--repo', empty, '--model', 'none');
      expect(detect.status).toBe(2);
      expect(detect.stderr).toMatch(/could not detect a test command/);
    },
    SLOW,
  );
});
