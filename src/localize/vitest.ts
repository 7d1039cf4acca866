/**
 * vitest per test: its workers load the tests through vite-node, where the preloaded hook cannot see test
 * boundaries, so one run gives one spectrum per test file and cannot tell a file's passing and failing tests apart.
 * Like Go's per-test profiles, each test is run alone instead (`vitest run <file> -t '^<full name>$'`, bounded in
 * count), each with its own NODE_V8_COVERAGE folder and hook records; the test's exit status says whether it failed.
 */
import type { Sandbox } from '../sandbox/index.js';
import type { NodeTest } from './coverage.js';

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether the command (or the package's test script it runs) is vitest. */
export function runsVitest(command: string, npmTestScript?: string): boolean {
  const script = /^\s*(?:npm|pnpm|yarn)\s+(?:run\s+)?t(?:est)?\s*$/.test(command)
    ? (npmTestScript ?? '')
    : command;
  return /(^|[\s/])vitest(\s|$)/.test(script) && !/\bvitest\s+(?:bench|typecheck)\b/.test(script);
}

export interface VitestPerTest {
  tests: NodeTest[];
  sources: Record<string, string>;
  listed: number;
}

/**
 * Lists the tests (`vitest list --json`), runs up to `maxTests` of them one by one under V8 coverage and the hook,
 * and returns one NodeTest per test with all the project scripts its processes ran. Undefined when vitest cannot
 * list its tests.
 */
export async function vitestPerTest(options: {
  sandbox: Sandbox;
  work: string;
  env: Record<string, string>;
  timeoutMs: number;
  maxTests?: number;
}): Promise<VitestPerTest | undefined> {
  const { sandbox, work } = options;
  const bin =
    (await sandbox.statFile('node_modules/.bin/vitest').catch(() => 'missing')) !== 'missing'
      ? 'node_modules/.bin/vitest'
      : 'npx --no-install vitest';
  const list = await sandbox.exec(`${bin} list --json`, {
    timeoutMs: options.timeoutMs,
    env: options.env,
    maxOutputBytes: 16 * 1024 * 1024,
  });
  const start = list.stdout.indexOf('[');
  let listed: Array<{ name: string; file: string }>;
  try {
    listed = JSON.parse(list.stdout.slice(start)) as Array<{ name: string; file: string }>;
  } catch {
    return undefined;
  }
  if (start < 0 || !Array.isArray(listed) || listed.length === 0) return undefined;
  const chosen = listed.slice(0, options.maxTests ?? 60);
  const W = `${work}/vitest`;
  const script = [`W=${W}`, 'rm -rf "$W" && mkdir -p "$W"'];
  chosen.forEach((t, i) => {
    // vitest matches -t against the suite and test names joined by spaces; `list` joins them with " > "
    const pattern = `^${escapeRegex(t.name.split(' > ').join(' '))}$`;
    script.push(
      `mkdir -p "$W/v${i}" "$W/m${i}"`,
      `NODE_V8_COVERAGE="$W/v${i}" MIMO_LOCALIZE_META="$W/m${i}" ${bin} run ${quote(t.file)} -t ${quote(pattern)} >/dev/null 2>&1; echo "${i} $?" >> "$W/status"`,
    );
  });
  script.push(
    `for i in $(seq 0 ${chosen.length - 1}); do echo "==> $i"; node ${work}/collect.cjs "$W/v$i" "$W/m$i" ${quote(sandbox.workdir)}; echo; done`,
    'echo "==> status"; cat "$W/status" 2>/dev/null; true',
  );
  const out = await sandbox.exec(['sh', '-c', script.join('\n')], {
    timeoutMs: options.timeoutMs,
    env: options.env,
    maxOutputBytes: 256 * 1024 * 1024,
  });
  const sections = out.stdout.split(/^==> /m).slice(1);
  const status = new Map<number, number>();
  const runs = new Map<number, { tests: NodeTest[]; sources: Record<string, string> }>();
  for (const section of sections) {
    const [head, ...body] = section.split('\n');
    if (head === 'status') {
      for (const line of body) {
        const m = /^(\d+) (\d+)$/.exec(line.trim());
        if (m) status.set(Number(m[1]), Number(m[2]));
      }
      continue;
    }
    try {
      runs.set(
        Number(head),
        JSON.parse(body.join('\n')) as { tests: NodeTest[]; sources: Record<string, string> },
      );
    } catch {
      // that test's processes wrote no coverage
    }
  }
  const tests: NodeTest[] = [];
  const sources: Record<string, string> = {};
  chosen.forEach((t, i) => {
    const run = runs.get(i);
    const code = status.get(i);
    if (!run || code === undefined) return;
    Object.assign(sources, run.sources);
    tests.push({
      name: t.name,
      file: t.file,
      failed: code !== 0,
      scripts: run.tests.flatMap((x) => x.scripts),
    });
  });
  return { tests, sources, listed: listed.length };
}
