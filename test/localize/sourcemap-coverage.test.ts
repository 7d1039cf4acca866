// TypeScript compiled with a source map (tsc `sourceMap`, as tsx and ts-node produce too) and run by node: V8's
// coverage of the generated JavaScript goes back to the .ts lines through the map V8 recorded. Real tsc output,
// real NODE_V8_COVERAGE data, read by the collector the sandbox runs.
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTestOutput } from '../../src/feedback/index.js';
import { fromNodeTests, type NodeTest } from '../../src/localize/index.js';
import { NODE_COLLECT } from '../../src/localize/node-hook.js';
import { tempRepo } from '../helpers/tmp.js';

jest.setTimeout(300_000);
const fixture = new URL('../fixtures/repos/localize-ts-tsc/', import.meta.url).pathname;

it('maps V8 coverage of tsc output back to the TypeScript lines', () => {
  const repo = tempRepo({
    'test/wrap.test.mjs': "import { wrap } from '../dist/wrap.js';\nwrap('aa bb', 10);\n",
  });
  try {
    cpSync(join(fixture, 'src'), join(repo.root, 'src'), { recursive: true });
    cpSync(join(fixture, 'tsconfig.json'), join(repo.root, 'tsconfig.json'));
    writeFileSync(join(repo.root, 'package.json'), '{"type":"module"}\n');
    const tsc = spawnSync(join(process.cwd(), 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: repo.root });
    expect(tsc.status).toBe(0);
    mkdirSync(join(repo.root, '.v8'));
    const run = spawnSync(process.execPath, ['test/wrap.test.mjs'], {
      cwd: repo.root,
      env: { ...process.env, NODE_V8_COVERAGE: join(repo.root, '.v8'), NODE_OPTIONS: '' },
    });
    expect(run.status).toBe(0);
    writeFileSync(join(repo.root, '.collect.cjs'), NODE_COLLECT);
    const dump = spawnSync(
      process.execPath,
      ['.collect.cjs', join(repo.root, '.v8'), join(repo.root, '.meta'), repo.root],
      { cwd: repo.root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
    );
    const { tests } = JSON.parse(dump.stdout) as { tests: NodeTest[] };
    const read = (rel: string) => readFileSync(join(repo.root, rel), 'utf8');
    const coverage = fromNodeTests(tests, { root: repo.root, readSource: read, report: parseTestOutput('') });
    expect(coverage.tests).toHaveLength(1);
    const lines = coverage.tests[0]!.lines;
    expect(Object.keys(lines).sort()).toEqual(['src/wrap.ts', 'test/wrap.test.mjs']);
    // wrap('aa bb', 10): the first word starts the line, the second joins it; no line is ever pushed mid-way
    expect(lines['src/wrap.ts']).toEqual(expect.arrayContaining([6, 7, 8, 10, 11, 12, 13, 19, 20]));
    expect(lines['src/wrap.ts']).not.toContain(15);
    expect(lines['src/wrap.ts']).not.toContain(16);
  } finally {
    repo.cleanup();
  }
});
