/** Which runner printed a log: decided line by line from markers that only that runner prints. */
import { JsonCollector } from './json-collector.js';

export const RUNNERS = [
  'pytest',
  'unittest',
  'jest',
  'vitest',
  'mocha',
  'node-test',
  'tap',
  'tsc',
  'eslint',
  'go',
  'cargo',
  'junit',
  'maven',
  'gradle',
  'javac',
  'rspec',
  'minitest',
  'phpunit',
  'dotnet',
  'trx',
  'flake8',
  'generic',
] as const;
export type RunnerName = (typeof RUNNERS)[number];

// Checked in order on each line; the first marker seen decides. Markers are lines no other runner prints.
// A third element is a literal the marker needs: checked first, it keeps `^\S.*…` patterns off long lines.
const MARKERS: Array<[RunnerName, RegExp, string?]> = [
  // cargo-nextest: `    FAIL [   0.014s] crate::bin test`, `--- STDERR:  crate::bin test ---`, `Summary [ 0.1s] 3 tests run:`
  ['cargo', /^\s*(PASS|FAIL|SKIP|TIMEOUT|SIGSEGV|SIGABRT|FLAKY) \[\s*[\d.]+m?s\] \S/, 's] '],
  ['cargo', /^-{3} STD(OUT|ERR): +\S+.* -{3}$/],
  ['cargo', /^\s*Summary \[\s*[\d.]+m?s\] (\d+\/)?\d+ tests? run: /, 'Summary ['],
  [
    'maven',
    /^\[(INFO|ERROR)\] (Scanning for projects\.\.\.|BUILD (SUCCESS|FAILURE)|-{20,}|T E S T S|Tests run: \d+, Failures: \d+)/,
  ],
  ['maven', /^\[INFO\] --- [\w.-]+:[\d.]+:\w+/],
  ['gradle', /^> Task :\S+/],
  ['gradle', /^(Starting a Gradle Daemon|:(compile|test|classes|process)\w*\b)/],
  ['gradle', /^(:\w[\w:-]*)( (UP-TO-DATE|NO-SOURCE|FAILED|SKIPPED|FROM-CACHE))?$/],
  ['gradle', /^\d+ tests? completed, \d+ failed/],
  ['gradle', /^(BUILD (SUCCESSFUL|FAILED) in \d|FAILURE: Build failed with an exception\.)/],
  ['gradle', /^\S.* > .+ (FAILED|PASSED|SKIPPED)$/, ' > '],
  ['rspec', /^\d+ examples?, \d+ failures?/],
  ['rspec', /^\s+Failure\/Error: /],
  ['rspec', /^rspec \.\/\S+:\d+ # /],
  ['rspec', /^An error occurred while loading \.\//],
  ['minitest', /^\d+ (runs|tests), \d+ assertions, \d+ failures, \d+ errors, \d+ skips$/],
  ['minitest', /^# Running:$/],
  ['phpunit', /^PHPUnit \d+\.\d+\.\d+ by Sebastian Bergmann/],
  ['phpunit', /^Tests: \d+, Assertions: \d+/],
  ['javac', /^\S.*\.java:\d+: error: /, '.java:'],
  ['javac', /^\S.*\.kts?:\d+:\d+: error: /, ': error: '],
  ['javac', /^e: (file:\/\/)?\S.*\.kts?:/],
  ['junit', /^\s*(<\?xml\b.*\?>\s*)?<testsuites?\b/],
  ['trx', /^\s*(<\?xml\b.*\?>\s*)?<TestRun\b.*TeamTest/],
  ['dotnet', /^\s*(Failed|Passed)!\s+-\s+Failed:\s+\d+, Passed:/],
  ['dotnet', /^\s*(Failed|X) \S.* \[[\d.,]+ ?m?s\]$/, 's]'],
  ['dotnet', /^\s*Error Message:$/],
  ['dotnet', /^A total of \d+ test files? matched the specified pattern\.$/],
  ['dotnet', /^\S.*\.(cs|fs|vb)\(\d+,\d+\): error [A-Z]+\d+: /, '): error '],
  ['pytest', /^=+ (test session starts|FAILURES|ERRORS|short test summary info) =+$/],
  ['pytest', /^(FAILED|ERROR) \S+::\S+/],
  ['unittest', /^(FAIL|ERROR): \S+ \([\w.]+\)$/],
  ['unittest', /^Ran \d+ tests? in [\d.]+s$/],
  ['vitest', /^\s*RUN\s+v\d+\.\d+/],
  ['vitest', /^\s*Test Files\s+\d+ (failed|passed)/],
  ['vitest', /^\s*FAIL\s+\S+.* > /, ' > '],
  ['jest', /^(PASS|FAIL) \S+\.(test|spec)\.[cm]?[jt]sx?\b/],
  ['jest', /^Tests:\s+\d+ \w+.*\d+ total$/, ' total'],
  ['jest', /^\s{2}● /],
  ['node-test', /^ℹ (tests|pass|fail) \d+$/],
  ['node-test', /^✖ failing tests:$/],
  ['tap', /^TAP version \d+$/],
  ['tap', /^\s*# Subtest: /],
  ['tap', /^1\.\.\d+$/],
  ['tap', /^not ok \d+ /],
  ['mocha', /^\s+\d+ (passing|failing) \(\d+m?s\)$/],
  ['mocha', /^\s+\d+ failing$/],
  ['mocha', /^\s*Exception during run: /],
  ['flake8', /^\S+\.pyi?:\d+:\d+: ([A-Z]+\d+ |[CRWEFI]\d{4}: )/, '.py'],
  ['flake8', /^\*{13} Module \S+$/],
  ['flake8', /^\s*--> \S+\.pyi?:\d+:\d+$/],
  ['flake8', /^Found \d+ errors?\.( \[\*\] \d+ fixable)?/],
  ['tsc', /^\S.*\(\d+,\d+\): error TS\d+: /, 'error TS'],
  ['tsc', /^\S.*:\d+:\d+ - error TS\d+: /, 'error TS'],
  ['eslint', /^\s+\d+:\d+\s+(error|warning)\s+.+$/],
  ['eslint', /:\d+:\d+: .* \[(Error|Warning)(\/\S+)?\]$/, ' ['],
  ['eslint', /^✖ \d+ problems? \(\d+ errors?, \d+ warnings?\)$/],
  ['go', /^--- (FAIL|PASS|SKIP): \S+ \(/],
  ['go', /^\{"(Time":"[^"]*","Action|ImportPath":"[^"]*","Action)":"/],
  ['go', /^=== RUN\s+\S+/],
  ['go', /^(FAIL|ok)\s+\S+\s+([\d.]+s|\[build failed\]|\(cached\))/],
  ['go', /^goroutine \d+ \[running\]:$/],
  ['cargo', /^running \d+ tests?$/],
  ['cargo', /^\{ ?"type": ?"(suite|test)", ?"(event|name)": ?"/],
  ['cargo', /^test result: (ok|FAILED)\. \d+ passed/],
  ['cargo', /^error\[E\d{4}\]: /],
  ['cargo', /^\s+Compiling \S+ v\d/],
];

// Most lines of a log prove nothing, so the markers anchored at `^` without a literal are tried as ONE regex
// (an anchored alternation: a single call that fails at the first character of each branch), the others only
// where their literal occurs, and the ordered loop runs only on a line that some marker may match.
const ANCHORED = MARKERS.filter(([, re, literal]) => literal === undefined && re.source.startsWith('^'));
const GUARDED = MARKERS.filter((m) => !ANCHORED.includes(m));
const ANY_ANCHORED = new RegExp(ANCHORED.map(([, re]) => `(?:${re.source})`).join('|'));
const ANY_LITERAL = new RegExp(
  GUARDED.map(([, , literal]) => (literal ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
);

function mayMatch(line: string): boolean {
  if (ANY_ANCHORED.test(line)) return true;
  if (!ANY_LITERAL.test(line)) return false;
  for (const [, re, literal] of GUARDED) if (line.includes(literal ?? '') && re.test(line)) return true;
  return false;
}

/** The runner a single line proves, or null. */
export function detectLine(line: string): RunnerName | null {
  if (!mayMatch(line)) return null;
  for (const [runner, re, literal] of MARKERS)
    if ((literal === undefined || line.includes(literal)) && re.test(line)) return runner;
  return null;
}

/** The runner that printed `text` (`unknown` when no runner's marker appears). */
export function detectRunner(text: string): string {
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const hit = detectLine(stripForDetect(text.slice(start, end)));
    if (hit === 'tap') return /^\s*# Subtest: |^\s+duration_ms: /m.test(text) ? 'node-test' : 'tap';
    if (hit) return reportedName(hit);
    start = end + 1;
  }
  // No line marker: a whole JSON document (jest --json, eslint -f json…) names its runner by its shape.
  const json = new JsonCollector();
  for (const line of text.split('\n')) json.push(line.replace(/\r$/, ''));
  return json.report()?.runner ?? 'unknown';
}

/** The `runner` a report names for a parser (`tap` reports as node-test, `generic` as unknown). */
export function reportedName(runner: RunnerName): string {
  return runner === 'generic' ? 'unknown' : runner;
}

function stripForDetect(line: string): string {
  // eslint-disable-next-line no-control-regex
  return line.includes('\x1b') ? line.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '') : line;
}
