/**
 * Per-test coverage collection in the sandbox, one function per runner family: coverage.py dynamic contexts for
 * pytest and unittest, V8 coverage (per test through the hook, else per process) for Node runners, and one
 * `-coverprofile` per test for Go. Each returns the parsed test reports and, when it could, the coverage.
 */
import { parseTestOutput, type TestReport } from '../feedback/index.js';
import { TOOL_ENV, type Sandbox } from '../sandbox/index.js';
import { fromCoveragePy, fromNodeTests, type NodeTest } from './coverage.js';
import { NODE_COLLECT, NODE_HOOK } from './node-hook.js';
import type { PerTestCoverage } from './rank.js';
import { runsVitest, vitestPerTest } from './vitest.js';

export const WORK = '/tmp/mimo-localize';
const ENV = { CI: 'true', PYTHONDONTWRITEBYTECODE: '1', ...TOOL_ENV }; // as the repair loop's test runs

export interface Collected {
  reports: TestReport[];
  coverage?: PerTestCoverage;
  notes: string[];
}

export interface CollectContext {
  sandbox: Sandbox;
  command: string;
  timeoutMs: number;
  readSource: (rel: string) => string | undefined;
}

async function writeFile(sandbox: Sandbox, path: string, text: string): Promise<void> {
  await sandbox.exec(['sh', '-c', `mkdir -p "$(dirname "$1")" && cat > "$1"`, 'sh', path], { stdin: text });
}

export async function plainRun(ctx: CollectContext): Promise<TestReport> {
  const run = await ctx.sandbox.exec(ctx.command, { timeoutMs: ctx.timeoutMs, env: ENV });
  return parseTestOutput(`${run.stdout}\n${run.stderr}`);
}

const RC = `[run]\ndata_file = ${WORK}/coverage.db\nrelative_files = true\nsource = .\n`;
const RC_BY_FUNCTION = RC.replace('[run]\n', '[run]\ndynamic_context = test_function\n');

// One coverage context per pytest item (its node id), setup and teardown included: each doctest and each
// parametrized case is its own test in the spectrum, which `dynamic_context = test_function` cannot give (doctests
// run in no `test*` function, parametrized cases share one). The failing items are written down as they fail.
const PYTEST_PLUGIN = `import coverage

def _switch(name):
    cov = coverage.Coverage.current()
    if cov is not None:
        cov.switch_context(name)

def pytest_runtest_logstart(nodeid, location):
    _switch(nodeid)

def pytest_runtest_logfinish(nodeid, location):
    _switch("")

def pytest_runtest_logreport(report):
    if report.failed:
        with open("${WORK}/failed.txt", "a") as out:
            out.write(report.nodeid + "\\n")
`;

/** pytest (one context per item, by the plugin above) or unittest (one per test function) under `coverage run`. */
export async function collectPython(
  ctx: CollectContext,
  runner: 'pytest' | 'unittest',
  args: string,
): Promise<Collected> {
  const { sandbox } = ctx;
  await writeFile(sandbox, `${WORK}/rc`, runner === 'pytest' ? RC : RC_BY_FUNCTION);
  await writeFile(sandbox, `${WORK}/mimo_contexts.py`, PYTEST_PLUGIN);
  const command =
    runner === 'pytest'
      ? `PYTHONPATH=${WORK}\${PYTHONPATH:+:$PYTHONPATH} python3 -m coverage run --rcfile=${WORK}/rc -m pytest${args} -p no:cacheprovider -p mimo_contexts`
      : `python3 -m coverage run --rcfile=${WORK}/rc -m unittest${args}`;
  const run = await sandbox.exec(command, { timeoutMs: ctx.timeoutMs, env: ENV });
  const output = `${run.stdout}\n${run.stderr}`;
  if (/No module named coverage/.test(output)) {
    return {
      reports: [await plainRun(ctx)],
      notes: ['coverage.py is not installed in the image: no line coverage'],
    };
  }
  const report = parseTestOutput(output, runner === 'unittest' ? { runner: 'unittest' } : undefined);
  let failed = new Set(report.failures.map((f) => f.test));
  if (runner === 'pytest') {
    const list = await sandbox.exec(`cat ${WORK}/failed.txt 2>/dev/null`, {
      maxOutputBytes: 16 * 1024 * 1024,
    });
    failed = new Set(list.stdout.split('\n').filter(Boolean));
  }
  const json = await sandbox.exec(
    `python3 -m coverage json -q --rcfile=${WORK}/rc --show-contexts -o ${WORK}/cov.json && cat ${WORK}/cov.json`,
    { maxOutputBytes: 256 * 1024 * 1024, timeoutMs: ctx.timeoutMs },
  );
  if (json.exitCode !== 0) return { reports: [report], notes: ['coverage.py wrote no data'] };
  const coverage = fromCoveragePy(json.stdout, failed, sandbox.workdir);
  const failing = coverage.tests.filter((t) => t.failed).length;
  return {
    reports: [report],
    coverage,
    notes: [`coverage.py per test (${coverage.tests.length} tests, ${failing} failing)`],
  };
}

function npmTestScript(ctx: CollectContext): string | undefined {
  try {
    const pkg = JSON.parse(ctx.readSource('package.json') ?? '{}') as { scripts?: Record<string, unknown> };
    return typeof pkg.scripts?.test === 'string' ? pkg.scripts.test : undefined;
  } catch {
    return undefined;
  }
}

/** Any Node runner: the run as configured, with V8 coverage and the per-test hook preloaded. */
export async function collectNode(ctx: CollectContext): Promise<Collected> {
  const { sandbox } = ctx;
  await writeFile(sandbox, `${WORK}/hook.cjs`, NODE_HOOK);
  await writeFile(sandbox, `${WORK}/collect.cjs`, NODE_COLLECT);
  await sandbox.exec(`mkdir -p ${WORK}/v8 ${WORK}/meta`);
  const hookEnv = {
    ...ENV,
    MIMO_LOCALIZE_ROOT: sandbox.workdir,
    NODE_OPTIONS: `--require ${WORK}/hook.cjs`,
  };
  const run = await sandbox.exec(ctx.command, {
    timeoutMs: ctx.timeoutMs,
    env: { ...hookEnv, NODE_V8_COVERAGE: `${WORK}/v8`, MIMO_LOCALIZE_META: `${WORK}/meta` },
  });
  const report = parseTestOutput(`${run.stdout}\n${run.stderr}`);
  if (runsVitest(ctx.command, npmTestScript(ctx))) {
    const per = await vitestPerTest({ sandbox, work: WORK, env: hookEnv, timeoutMs: ctx.timeoutMs });
    if (per && per.tests.length > 0) {
      const coverage = fromNodeTests(per.tests, {
        root: sandbox.workdir,
        readSource: ctx.readSource,
        report,
        transformed: per.sources,
      });
      const notes = [`V8 coverage per test (vitest, each test run alone: ${per.tests.length} tests)`];
      if (per.listed > per.tests.length)
        notes.push(`${per.listed - per.tests.length} of ${per.listed} tests were not run alone`);
      return { reports: [report], coverage, notes };
    }
  }
  const dump = await sandbox.exec(
    ['node', `${WORK}/collect.cjs`, `${WORK}/v8`, `${WORK}/meta`, sandbox.workdir],
    {
      maxOutputBytes: 256 * 1024 * 1024,
      timeoutMs: ctx.timeoutMs,
    },
  );
  if (dump.exitCode !== 0 || !dump.stdout)
    return { reports: [report], notes: ['no V8 coverage was written'] };
  const { tests, sources } = JSON.parse(dump.stdout) as {
    tests: NodeTest[];
    sources: Record<string, string>;
  };
  const coverage = fromNodeTests(tests, {
    root: sandbox.workdir,
    readSource: ctx.readSource,
    report,
    transformed: sources,
  });
  const perTest = tests.some((t) => t.name !== null);
  return {
    reports: [report],
    coverage,
    notes: [perTest ? 'V8 coverage per test' : 'V8 coverage per test-file process'],
  };
}

export async function collectPlain(ctx: CollectContext, note: string): Promise<Collected> {
  return { reports: [await plainRun(ctx)], notes: [note] };
}
