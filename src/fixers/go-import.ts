import { dirname } from 'node:path';
import { FixerMemo } from './memo.js';
import { workspacePath, type Fixer, type FixerContext, type FixProposal } from './types.js';

/** `pkg/convert.go:8:9: undefined: strings` from `go build` / `go test` / `go vet`. */
const UNDEFINED = /^(?:#\s*)?((?:\.\/)?[\w./-]+\.go):\d+:\d+: undefined: (\w+)\s*$/gm;

/** Import paths of the sandbox Go's standard library (`go list std`), once per run. */
function goStd(context: FixerContext, memo: FixerMemo): Promise<string[]> {
  return memo.get('go-std', async () => {
    const result = await context.sandbox.exec(['sh', '-c', 'cd / && exec go list std'], {
      timeoutMs: 120_000,
      maxOutputBytes: 1024 * 1024,
      signal: context.signal,
    });
    if (result.exitCode !== 0) return [];
    return result.stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((p) => p && !/(^|\/)(internal|vendor)(\/|$)/.test(p) && !p.startsWith('cmd/'));
  });
}

/** `package name` of every folder of the module with Go sources: `example.com/m/internal/round` → round. */
async function modulePackages(
  context: FixerContext,
): Promise<Array<{ path: string; name: string; dir: string }>> {
  const ws = context.workspace;
  const gomod = await ws.readIfExists('go.mod');
  const module = gomod ? /^module\s+(\S+)/m.exec(gomod)?.[1] : undefined;
  if (!module) return [];
  const seen = new Map<string, string>();
  for (const file of await ws.list('.')) {
    if (!file.endsWith('.go') || file.endsWith('_test.go') || /(^|\/)(vendor|testdata)\//.test(file))
      continue;
    const dir = dirname(file);
    if (seen.has(dir)) continue;
    const pkg = /^package\s+(\w+)/m.exec((await ws.readIfExists(file)) ?? '')?.[1];
    if (pkg && pkg !== 'main') seen.set(dir, pkg);
  }
  return [...seen.entries()].map(([dir, name]) => ({
    dir,
    name,
    path: dir === '.' ? module : `${module}/${dir}`,
  }));
}

/** How other files already import a package bound to `name` (`"math/rand"`, `str "strings"`). */
async function existingGoImports(context: FixerContext, name: string): Promise<string[]> {
  const counts = new Map<string, number>();
  for (const file of await context.workspace.list('.')) {
    if (!file.endsWith('.go')) continue;
    const source = (await context.workspace.readIfExists(file)) ?? '';
    for (const m of source.matchAll(/^\s*(?:import\s+)?(\w+\s+)?"([^"]+)"\s*$/gm)) {
      const alias = m[1]?.trim();
      const path = m[2]!;
      if ((alias ?? path.split('/').pop()) !== name) continue;
      const spec = alias ? `${alias} "${path}"` : `"${path}"`;
      counts.set(spec, (counts.get(spec) ?? 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
}

const isStdPath = (spec: string): boolean => !/^(\w+\s+)?"[^"/]*\./.test(spec);

/** Adds `spec` (`"strings"`, `alias "x/y"`) to the file's imports in gofmt's order. */
export function insertGoImport(source: string, spec: string): string {
  const lines = source.split('\n');
  const blockStart = lines.findIndex((l) => /^import\s*\($/.test(l.trim()));
  const key = (l: string): string => /"([^"]+)"/.exec(l)?.[1] ?? '';
  if (blockStart !== -1) {
    const end = lines.findIndex((l, i) => i > blockStart && l.trim() === ')');
    const body = lines.slice(blockStart + 1, end);
    // groups separated by blank lines; the standard library's is the one without a dot in the first path element
    const groups: Array<{ from: number; to: number }> = [];
    body.forEach((l, i) => {
      if (l.trim() === '') return;
      const last = groups[groups.length - 1];
      if (last && last.to === i - 1) last.to = i;
      else groups.push({ from: i, to: i });
    });
    const std = isStdPath(spec);
    const group = groups.find((g) => isStdPath(body[g.from]!.trim()) === std);
    if (!group) {
      const at = std ? blockStart + 1 : end;
      const insert = std
        ? [`\t${spec}`, ...(groups.length > 0 ? [''] : [])]
        : [...(groups.length > 0 ? [''] : []), `\t${spec}`];
      lines.splice(at, 0, ...insert);
      return lines.join('\n');
    }
    let at = blockStart + 1 + group.to + 1;
    for (let i = group.from; i <= group.to; i++) {
      if (key(body[i]!) > key(spec)) {
        at = blockStart + 1 + i;
        break;
      }
    }
    lines.splice(at, 0, `\t${spec}`);
    return lines.join('\n');
  }
  const single = lines.findIndex((l) => /^import\s+(\w+\s+)?"[^"]+"\s*$/.test(l));
  if (single !== -1) {
    const existing = lines[single]!.replace(/^import\s+/, '').trim();
    const both = [existing, spec].sort((a, b) => key(a).localeCompare(key(b)));
    const sameGroup = isStdPath(existing) === isStdPath(spec);
    const body = sameGroup
      ? both.map((s) => `\t${s}`)
      : [`\t${isStdPath(spec) ? spec : existing}`, '', `\t${isStdPath(spec) ? existing : spec}`];
    lines.splice(single, 1, 'import (', ...body, ')');
    return lines.join('\n');
  }
  const pkg = lines.findIndex((l) => /^package\s+\w+/.test(l));
  lines.splice(pkg + 1, 0, '', `import ${spec}`);
  return lines.join('\n');
}

/** Go `undefined: strings`: import the standard-library or module package of that name. */
export const goImportFixer: Fixer = {
  name: 'go-import',
  async propose(context) {
    const found = [...context.output.matchAll(UNDEFINED)].map((m) => ({
      file: workspacePath(m[1], context.sandbox.workdir),
      name: m[2]!,
    }));
    if (found.length === 0) return [];
    const memo = context.memo ?? new FixerMemo();
    const proposals: FixProposal[] = [];
    const ws = context.workspace;
    for (const { file, name } of found) {
      if (!file) continue;
      const source = await ws.readIfExists(file);
      if (source === null || !new RegExp(`\\b${name}\\.[A-Z]`).test(source)) continue;
      const specs = await existingGoImports(context, name);
      for (const p of await modulePackages(context))
        if (p.name === name && p.dir !== dirname(file)) specs.push(`"${p.path}"`);
      const std = (await goStd(context, memo)).filter((p) => p.split('/').pop() === name);
      std.sort(
        (a, b) =>
          Number(a.startsWith('crypto/')) - Number(b.startsWith('crypto/')) ||
          a.split('/').length - b.split('/').length ||
          a.localeCompare(b),
      );
      specs.push(...std.map((p) => `"${p}"`));
      for (const spec of [...new Set(specs)].slice(0, 2)) {
        if (source.includes(spec)) continue;
        const key = `go:${file}:${spec}`;
        if (proposals.some((p) => p.key === key)) continue;
        proposals.push({
          fixer: 'go-import',
          description: `add \`import ${spec}\` to ${file} (undefined: ${name})`,
          key,
          resolves: `undefined: ${name}`,
          apply: async () => {
            await ws.write(file, insertGoImport(await ws.read(file), spec));
            return [file];
          },
        });
      }
    }
    return proposals;
  },
};
