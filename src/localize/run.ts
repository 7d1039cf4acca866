/**
 * Runs the tests once in the sandbox, with per-test coverage when the runner can give it (coverage.py dynamic
 * contexts for pytest, V8 coverage per test-file process for node:test), and ranks suspicious lines.
 */
import { parseTestOutput, type TestReport } from '../feedback/index.js';
import type { Sandbox } from '../sandbox/index.js';
import { fromCoveragePy, fromV8Processes, type V8Script } from './coverage.js';
import { normalizePath, rankSuspicious, type PerTestCoverage, type Suspect } from './rank.js';

export interface LocalizeOptions {
  sandbox: Sandbox;
  testCommand: string;
  changedLines?: Record<string, number[]>;
  /** Wall-clock limit of the test run (default 10 minutes). */
  timeoutMs?: number;
  limit?: number;
}

const WORK = '/tmp/mimo-localize';
const PYTEST = /^\s*(?:(?:python3?|py)\s+-m\s+pytest|pytest|py\.test)(\s.*)?$/;
const NODE_TEST = /\bnode\b[^|;&]*\s--test\b/;
const NPM_TEST = /^\s*npm\s+(?:test|t|run\s+test)\s*$/;
const TEST_FILE = /(^|\/)(tests?|__tests__)\/.*\.[cm]?[jt]s$|\.(test|spec)\.[cm]?[jt]sx?$/;

export type CoveragePlan = 'pytest' | 'node-test' | 'none';

/** Which per-test coverage a command can give; `npm test` is judged by the package's `scripts.test`. */
export function coveragePlan(testCommand: string, npmTestScript?: string): CoveragePlan {
  if (PYTEST.test(testCommand)) return 'pytest';
  if (NODE_TEST.test(testCommand)) return 'node-test';
  if (npmTestScript && NPM_TEST.test(testCommand) && NODE_TEST.test(npmTestScript)) return 'node-test';
  return 'none';
}

/** Sources read inside the sandbox (its workspace, never a host path), kept for the synchronous coverage mapping. */
async function readSources(sandbox: Sandbox, files: Iterable<string>): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const rel of new Set(files)) {
    const bytes = await sandbox.readFile(rel).catch(() => null);
    if (bytes) sources.set(rel, bytes.toString('utf8'));
  }
  return sources;
}

function npmTestScript(packageJson: string | undefined): string | undefined {
  try {
    const pkg = JSON.parse(packageJson ?? '{}') as { scripts?: Record<string, string> };
    return pkg.scripts?.test;
  } catch {
    return undefined;
  }
}

export async function localizeRepo(options: LocalizeOptions): Promise<Suspect[]> {
  const { sandbox } = options;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const root = sandbox.workdir;
  const pkg = (await readSources(sandbox, ['package.json'])).get('package.json');
  const plan = coveragePlan(options.testCommand, npmTestScript(pkg));
  let reports: TestReport[];
  let coverage: PerTestCoverage | undefined;

  if (plan === 'pytest') {
    const args = PYTEST.exec(options.testCommand)![1] ?? '';
    await sandbox.exec(
      `mkdir -p ${WORK} && printf '[run]\\ndynamic_context = test_function\\ndata_file = ${WORK}/coverage.db\\nrelative_files = true\\nsource = .\\n' > ${WORK}/rc`,
    );
    const run = await sandbox.exec(
      `python3 -m coverage run --rcfile=${WORK}/rc -m pytest${args} -p no:cacheprovider --junitxml=${WORK}/junit.xml`,
      { timeoutMs },
    );
    if (/No module named coverage/.test(run.stderr + run.stdout)) {
      reports = [await plainRun(sandbox, options.testCommand, timeoutMs)];
    } else {
      reports = [parseTestOutput(run.stdout + run.stderr)];
      const junit = await sandbox.exec(`cat ${WORK}/junit.xml`, { maxOutputBytes: 64 * 1024 * 1024 });
      const json = await sandbox.exec(
        `python3 -m coverage json -q --rcfile=${WORK}/rc --show-contexts -o ${WORK}/cov.json && cat ${WORK}/cov.json`,
        { maxOutputBytes: 256 * 1024 * 1024, timeoutMs },
      );
      if (junit.exitCode === 0 && json.exitCode === 0) {
        const failed = new Set(
          parseTestOutput(junit.stdout, { runner: 'junit' }).failures.map((f) =>
            f.test.replace(/\[.*\]$/, ''),
          ),
        );
        coverage = fromCoveragePy(json.stdout, failed, root);
      }
    }
  } else if (plan === 'node-test') {
    const run = await sandbox.exec(options.testCommand, {
      timeoutMs,
      env: { NODE_V8_COVERAGE: `${WORK}/v8` },
    });
    const report = parseTestOutput(run.stdout + run.stderr);
    reports = [report];
    const dump = await sandbox.exec(
      [
        'node',
        '-e',
        `const fs=require('fs');const d=${JSON.stringify(`${WORK}/v8`)};` +
          `const out=fs.readdirSync(d).filter(f=>f.endsWith('.json')).map(f=>JSON.parse(fs.readFileSync(d+'/'+f,'utf8')).result` +
          `.filter(s=>s.url.startsWith('file://')&&!s.url.includes('/node_modules/')));process.stdout.write(JSON.stringify(out))`,
      ],
      { maxOutputBytes: 256 * 1024 * 1024 },
    );
    if (dump.exitCode === 0 && dump.stdout) {
      const failedFiles = new Set<string>();
      for (const f of report.failures) {
        for (const file of [f.file, ...f.frames.map((x) => x.file)]) {
          const rel = file?.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
          if (rel && TEST_FILE.test(rel)) failedFiles.add(rel);
        }
        if (TEST_FILE.test(f.test))
          failedFiles.add(f.test.startsWith(`${root}/`) ? f.test.slice(root.length + 1) : f.test);
      }
      const processes = JSON.parse(dump.stdout) as V8Script[][];
      const sources = await readSources(
        sandbox,
        processes
          .flat()
          .map((script) => normalizePath(script.url, root))
          .filter((rel) => !rel.startsWith('/') && !rel.includes('node_modules/')),
      );
      coverage = fromV8Processes(processes, {
        root,
        readSource: (rel) => sources.get(rel),
        isTestFile: (file) => TEST_FILE.test(file),
        failedFiles,
      });
    }
  } else {
    reports = [await plainRun(sandbox, options.testCommand, timeoutMs)];
  }
  await sandbox.exec(`rm -rf ${WORK}`);
  return rankSuspicious({
    reports,
    coverage,
    changedLines: options.changedLines,
    root,
    limit: options.limit,
  });
}

async function plainRun(sandbox: Sandbox, command: string, timeoutMs: number): Promise<TestReport> {
  const run = await sandbox.exec(command, { timeoutMs });
  return parseTestOutput(run.stdout + run.stderr);
}
