// The environment is read in one place: every variable named anywhere in src/ or docs/deploy.md is in the schema
// (or is one mimo-code sets for a process inside a sandbox), every schema variable is in docs/deploy.md's table,
// and no module but src/config/env.ts reads process.env.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CHILD_PROCESS_VARIABLES, envSchema } from '../../src/config/index.js';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = sources(join(root, 'src')).map((path) => ({
  path: relative(root, path),
  text: readFileSync(path, 'utf8'),
}));
const deploy = readFileSync(join(root, 'docs/deploy.md'), 'utf8');
const schema = new Set(Object.keys(envSchema.shape));
const child = new Set<string>(CHILD_PROCESS_VARIABLES);
/** `MIMO_FOO`, but not a prefix written in prose or a template (`MIMO_MAX_*`, `MIMO_MAX_`). */
const names = (text: string) => [...text.matchAll(/\bMIMO_[A-Z0-9_]*[A-Z0-9]\b(?![_*])/g)].map((m) => m[0]);
/** The rows of docs/deploy.md's variable table: first cell of each `| … |` line in section 2. */
const tableSection = deploy.slice(deploy.indexOf('## 2. Environment'), deploy.indexOf('## 3.'));
const documented = new Set(
  tableSection
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)),
);

describe('the environment schema covers every variable', () => {
  it('has every MIMO_* name used in src/ and docs/deploy.md', () => {
    const used = new Map<string, string>();
    for (const file of files) for (const name of names(file.text)) used.set(name, file.path);
    for (const name of names(deploy)) used.set(name, 'docs/deploy.md');
    expect(used.size).toBeGreaterThan(30);
    const missing = [...used].filter(([name]) => !schema.has(name) && !child.has(name));
    expect(missing).toEqual([]);
  });

  it('documents every schema variable in the table of docs/deploy.md', () => {
    const undocumented = [...schema].filter((name) => !documented.has(name));
    expect(undocumented).toEqual([]);
    expect([...documented].filter((name) => !schema.has(name))).toEqual([]);
  });

  it('is the only module of the app reading process.env', () => {
    // Code that runs inside a sandbox's own process reads that process's environment (variables we set there).
    const sandboxSide = ['src/localize/node-hook.ts', 'src/sandbox/egress/proxy-script.ts'];
    const readers = files
      .filter((file) => /\bprocess\.env\b/.test(file.text))
      .map((file) => file.path)
      .filter((path) => !sandboxSide.includes(path));
    expect(readers).toEqual(['src/config/env.ts']);
    for (const path of sandboxSide) {
      const text = files.find((file) => file.path === path)!.text;
      const read = [...text.matchAll(/process\.env\.([A-Z0-9_]+)/g)].map((m) => m[1]!);
      expect(read.filter((name) => !child.has(name) && name !== 'NODE_V8_COVERAGE')).toEqual([]);
    }
  });
});
