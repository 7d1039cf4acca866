/**
 * Go per-test coverage: the tests of each package listed, the package's test binary built once with coverage, one
 * cover profile per top-level test, then one per leaf `t.Run` subtest of the tests that have them, so a table test's
 * passing and failing cases are separate tests in the spectrum.
 */
import { TOOL_ENV } from '../sandbox/index.js';
import { plainRun, WORK, type CollectContext, type Collected } from './collect.js';
import type { PerTestCoverage } from './rank.js';

const ENV = { CI: 'true', ...TOOL_ENV };
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `-test.run` pattern selecting exactly one (sub)test: each `/`-separated level anchored and escaped. */
export function goRunPattern(name: string): string {
  return name
    .split('/')
    .map((part) => `^${part.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}$`)
    .join('/');
}

/** Leaf subtests in `-test.v` output (`--- PASS: TestX/case_1 (0.00s)`): names no other subtest is nested in. */
export function goLeafSubtests(verbose: string): string[] {
  const names = new Set<string>();
  for (const m of verbose.matchAll(/^\s*--- (?:PASS|FAIL|SKIP): (\S+\/\S+) \(/gm)) names.add(m[1]!);
  const all = [...names];
  return all.filter((n) => !all.some((o) => o.startsWith(`${n}/`)));
}

interface Run {
  pkg: number;
  dir: string;
  name: string;
}

/**
 * Cover profiles from a script's output (`==> <k>` sections, then `==> status` lines `<k> <exit>`), each the
 * coverage of run k; profile paths (`module/dir/file.go`) become repo-relative.
 */
export function fromGoProfiles(
  output: string,
  modulePath: string,
): Map<string, { failed: boolean; lines: Record<string, number[]> }> {
  const status = new Map<string, boolean>();
  const profiles = new Map<string, Record<string, number[]>>();
  let current: Record<string, number[]> | null = null;
  let inStatus = false;
  for (const line of output.split('\n')) {
    const header = /^==> (.+)$/.exec(line);
    if (header) {
      inStatus = header[1] === 'status';
      current = inStatus ? null : {};
      if (current) profiles.set(header[1]!, current);
      continue;
    }
    if (inStatus) {
      const m = /^(\S+) (\d+)$/.exec(line);
      if (m) status.set(m[1]!, m[2] !== '0');
      continue;
    }
    const block = /^(.+\.go):(\d+)\.\d+,(\d+)\.\d+ \d+ (\d+)$/.exec(line);
    if (!block || !current || block[4] === '0') continue;
    const path = block[1]!;
    const rel = path.startsWith(`${modulePath}/`) ? path.slice(modulePath.length + 1) : null;
    if (!rel) continue;
    const into = (current[rel] ??= []);
    for (let l = Number(block[2]); l <= Number(block[3]); l++) into.push(l);
  }
  const out = new Map<string, { failed: boolean; lines: Record<string, number[]> }>();
  for (const [key, lines] of profiles) {
    if (status.has(key)) out.set(key, { failed: status.get(key)!, lines });
  }
  return out;
}

/** Runs each of `runs` alone with its own profile (and `-test.v` output when `verbose`); the script's output. */
async function runEach(ctx: CollectContext, runs: Run[], verbose: boolean, build: string[]): Promise<string> {
  const script = [...build];
  runs.forEach((run, k) => {
    const v = verbose ? `-test.v > "$W/${k}.v"` : '>/dev/null';
    script.push(
      `( cd ${quote(run.dir)} && "$W/p${run.pkg}.test" -test.run ${quote(goRunPattern(run.name))} -test.count=1 -test.coverprofile="$W/${k}.out" ${v} 2>&1; echo "${k} $?" >> "$W/status" )`,
    );
  });
  script.push(
    `for k in $(seq 0 ${runs.length - 1}); do [ -f "$W/$k.out" ] && echo "==> $k" && cat "$W/$k.out"; done; echo "==> status"; cat "$W/status" 2>/dev/null`,
  );
  if (verbose)
    script.push(
      `for k in $(seq 0 ${runs.length - 1}); do [ -f "$W/$k.v" ] && echo "==> v $k" && grep -E '^\\s*--- (PASS|FAIL|SKIP): ' "$W/$k.v"; done`,
    );
  script.push('true');
  const out = await ctx.sandbox.exec(['sh', '-c', script.join('\n')], {
    timeoutMs: ctx.timeoutMs,
    env: ENV,
    maxOutputBytes: 256 * 1024 * 1024,
  });
  return out.stdout;
}

export async function collectGo(ctx: CollectContext, maxTests = 120, maxSubtests = 200): Promise<Collected> {
  const { sandbox } = ctx;
  const report = await plainRun(ctx);
  const list = await sandbox.exec(`go test -list '.*' ./... 2>/dev/null`, {
    timeoutMs: ctx.timeoutMs,
    env: ENV,
  });
  const modulePath = /^module\s+(\S+)/m.exec(ctx.readSource('go.mod') ?? '')?.[1];
  if (!modulePath) return { reports: [report], notes: ['no go.mod module path: no per-test coverage'] };
  const dirs: string[] = [];
  const tests: Run[] = [];
  let names: string[] = [];
  for (const line of list.stdout.split('\n')) {
    if (/^Test\w*$/.test(line.trim())) names.push(line.trim());
    const done = /^ok\s+(\S+)/.exec(line);
    if (done) {
      const pkg = done[1]!;
      const dir =
        pkg === modulePath
          ? '.'
          : pkg.startsWith(`${modulePath}/`)
            ? `./${pkg.slice(modulePath.length + 1)}`
            : null;
      if (dir && names.length) {
        for (const name of names) tests.push({ pkg: dirs.length, dir, name });
        dirs.push(dir);
      }
      names = [];
    } else if (/^(?:\?|FAIL)\s/.test(line)) names = [];
  }
  const build = [
    `W=${WORK}/go`,
    'rm -rf "$W" && mkdir -p "$W"',
    ...dirs.map(
      (dir, i) =>
        `go test -c -cover -covermode=count -coverpkg=./... -o "$W/p${i}.test" ${quote(dir)} >/dev/null 2>&1`,
    ),
  ];
  const top = tests.slice(0, maxTests);
  const first = await runEach(ctx, top, true, build);
  const profiles = fromGoProfiles(first, modulePath);
  // Leaf subtests of each top-level test, those of failing tests first, within the bound.
  const subtests: Run[] = [];
  const verbose = new Map<number, string>();
  const parts = first.split(/^==> v (\d+)$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) verbose.set(Number(parts[i]), parts[i + 1]!);
  const order = top
    .map((_, k) => k)
    .sort((a, b) => {
      const fa = profiles.get(String(a))?.failed ? 0 : 1;
      const fb = profiles.get(String(b))?.failed ? 0 : 1;
      return fa - fb || a - b;
    });
  const parentOf = new Map<number, number>();
  for (const k of order) {
    for (const name of goLeafSubtests(verbose.get(k) ?? '')) {
      if (subtests.length >= maxSubtests) break;
      parentOf.set(subtests.length, k);
      subtests.push({ ...top[k]!, name });
    }
  }
  const children = subtests.length
    ? fromGoProfiles(
        await runEach(ctx, subtests, false, [`W=${WORK}/go`, 'rm -f "$W"/*.out "$W/status"']),
        modulePath,
      )
    : new Map();
  const coverage: PerTestCoverage = { tests: [] };
  top.forEach((run, k) => {
    const own = profiles.get(String(k));
    if (!own) return;
    const subs = subtests
      .map((s, j) => ({ s, j, p: children.get(String(j)) }))
      .filter((x) => parentOf.get(x.j) === k && x.p);
    // A failing test whose subtests all pass alone (they share state) stays one test.
    if (subs.length && (!own.failed || subs.some((x) => x.p.failed)))
      for (const x of subs) coverage.tests.push({ name: x.s.name, failed: x.p.failed, lines: x.p.lines });
    else coverage.tests.push({ name: run.name, failed: own.failed, lines: own.lines });
  });
  const notes = [
    coverage.tests.length
      ? `go cover profile per test (${coverage.tests.length} tests${subtests.length ? `, ${subtests.length} of them subtests run alone` : ''})`
      : 'go wrote no cover profiles',
  ];
  if (tests.length > maxTests)
    notes.push(`only the first ${maxTests} of ${tests.length} tests were run one by one`);
  return { reports: [report], coverage: coverage.tests.length ? coverage : undefined, notes };
}
