import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTestOutput } from '../../src/feedback/index.js';
import { insertJsImport, jsImportFixer } from '../../src/fixers/index.js';
import { moduleExports } from '../../src/fixers/js-exports.js';
import { importStatement, styleOf } from '../../src/fixers/js-insert.js';
import { Workspace } from '../../src/tools/index.js';
import { FakeSandbox, LocalSandbox } from '../helpers/fake-sandbox.js';
import { proposeAfter } from '../helpers/propose.js';
import { tempRepo } from '../helpers/tmp.js';

jest.setTimeout(300_000);
const TSC = join(process.cwd(), 'node_modules/.bin/tsc');

const propose = (root: string, command: string) => proposeAfter(jsImportFixer, root, command);

describe('js-import fixer (real node and tsc output)', () => {
  it('imports a Node builtin and a function exported elsewhere in the repository (ReferenceError, ESM)', async () => {
    const repo = tempRepo({
      'package.json': '{"type":"module"}\n',
      'lib/math.js': 'export function sum(xs) {\n  return xs.reduce((a, b) => a + b, 0);\n}\n',
      'src/report.js':
        "import { EOL } from 'node:os';\n\nexport function report(path) {\n  const xs = JSON.parse(readFileSync(path, 'utf8'));\n  return `total ${sum(xs)}${EOL}`;\n}\n",
      'data.json': '[1, 2, 3]\n',
      'test/report.test.js':
        "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { report } from '../src/report.js';\n\n" +
        "test('report', () => {\n  assert.equal(report('data.json').trim(), 'total 6');\n});\n",
    });
    try {
      const first = await propose(repo.root, 'node --test');
      expect(first.proposals.map((p) => p.description)).toEqual([
        "add `import { readFileSync } from 'node:fs';` to src/report.js (readFileSync is not defined; Node builtin)",
      ]);
      await first.proposals[0]!.apply();
      const second = await propose(repo.root, 'node --test');
      expect(second.proposals.map((p) => p.description)).toEqual([
        "add `import { sum } from '../lib/math.js';` to src/report.js (sum is not defined; exported by lib/math.js)",
      ]);
      await second.proposals[0]!.apply();
      expect((await second.sandbox.exec('node --test')).exitCode).toBe(0);
      expect(readFileSync(join(repo.root, 'src/report.js'), 'utf8').split('\n').slice(0, 3)).toEqual([
        "import { EOL } from 'node:os';",
        "import { readFileSync } from 'node:fs';",
        "import { sum } from '../lib/math.js';",
      ]);
    } finally {
      repo.cleanup();
    }
  });

  it('fixes TS2304 from tsc with the import style of the file', async () => {
    const repo = tempRepo({
      'tsconfig.json':
        '{"compilerOptions":{"strict":true,"module":"NodeNext","moduleResolution":"NodeNext","noEmit":true,"types":[]},"include":["src"]}\n',
      'package.json': '{"type":"module"}\n',
      'src/format.ts': 'export const formatTotal = (n: number): string => `total ${n}`;\n',
      'src/main.ts': 'export const line: string = formatTotal(3);\n',
    });
    try {
      const { result, proposals, sandbox } = await propose(repo.root, `${TSC} -p .`);
      expect(result.stdout).toContain("error TS2304: Cannot find name 'formatTotal'");
      expect(proposals.map((p) => p.description)).toEqual([
        "add `import { formatTotal } from './format.js';` to src/main.ts (formatTotal is not defined; exported by src/format.ts)",
      ]);
      await proposals[0]!.apply();
      expect((await sandbox.exec(`${TSC} -p .`)).exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it("mocha's ESM link error (the location follows ` Exception during run:`) imports the name from its module", async () => {
    // recorded from mocha 10 in the runner image on test/fixtures/repos/corpus-imports/js-bytes
    const output = readFileSync(
      new URL('../fixtures/fixers/mocha-esm-link-error.txt', import.meta.url),
      'utf8',
    );
    const repo = tempRepo({
      'package.json': '{"type":"module"}\n',
      'src/format.js': 'export function formatBytes(n) {\n  return `${n} B`;\n}\n',
      'src/parse.js': 'export function parseBytes(text) {\n  return parseFloat(text);\n}\n',
      'src/index.js':
        "export { formatBytes } from './format.js';\nexport { parseBytes } from './parse.js';\n",
      'test/bytes.spec.js':
        "import assert from 'node:assert';\nimport { formatBytes, parseBytes } from '../src/parse.js';\n\nassert.ok(formatBytes && parseBytes);\n",
    });
    try {
      const proposals = await jsImportFixer.propose({
        workspace: await Workspace.open(repo.root),
        sandbox: new FakeSandbox(repo.root, () => ({})),
        report: parseTestOutput(output),
        output,
        allowNetwork: false,
      });
      expect(proposals.map((p) => p.description)[0]).toBe(
        "replace `import { formatBytes, parseBytes } from '../src/parse.js';` with `import { parseBytes } from '../src/parse.js'; import { formatBytes } from '../src/format.js';` in test/bytes.spec.js (../src/parse.js has no export 'formatBytes'; exported by src/format.js)",
      );
      await proposals[0]!.apply();
      expect((await new LocalSandbox(repo.root).exec('node test/bytes.spec.js')).exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('uses require() in CommonJS files', () => {
    expect(
      insertJsImport("'use strict';\nconst a = require('a');\n\nrun();\n", "const fs = require('node:fs');"),
    ).toBe("'use strict';\nconst a = require('a');\nconst fs = require('node:fs');\n\nrun();\n");
  });
});

describe('js-import fixer: aliases and index files (real node output)', () => {
  it('imports a name exported under an alias, and from the index the file already imports from', async () => {
    const repo = tempRepo({
      'package.json': '{"type":"module"}\n',
      'lib/duration.js': 'function fmt(s) {\n  return `${s}s`;\n}\nexport { fmt as formatDuration };\n',
      'lib/units/round.js': 'export const round = (x) => Math.round(x);\n',
      'lib/units/scale.js': 'export const scale = (x, f) => x * f;\n',
      'lib/units/index.js': "export * from './round.js';\nexport * from './scale.js';\n",
      'lib/uptime.js':
        "import { round } from './units/index.js';\n\nexport const uptime = (s) => `up ${formatDuration(round(scale(s, 1)))}`;\n",
      'test/uptime.test.js':
        "import test from 'node:test';\nimport assert from 'node:assert';\nimport { uptime } from '../lib/uptime.js';\n\n" +
        "test('uptime', () => {\n  assert.strictEqual(uptime(4.4), 'up 4s');\n});\n",
    });
    try {
      const first = await propose(repo.root, 'node --test');
      expect(first.proposals.map((p) => p.description)).toEqual([
        "add `import { formatDuration } from './duration.js';` to lib/uptime.js (formatDuration is not defined; exported by lib/duration.js)",
      ]);
      await first.proposals[0]!.apply();
      const second = await propose(repo.root, 'node --test');
      expect(second.proposals.map((p) => p.description)[0]).toBe(
        "add `import { scale } from './units/index.js';` to lib/uptime.js (scale is not defined; exported by lib/units/index.js)",
      );
      await second.proposals[0]!.apply();
      expect(readFileSync(join(repo.root, 'lib/uptime.js'), 'utf8')).toMatch(
        /^import \{ round, scale \} from '\.\/units\/index\.js';\nimport \{ formatDuration \} from '\.\/duration\.js';\n/,
      );
      expect((await new LocalSandbox(repo.root).exec('node --test')).exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
});

describe('js import placement and export forms', () => {
  it('keeps a license header and the directive prologue above the inserted require', () => {
    const source =
      "/*!\n * slugkit\n * MIT Licensed\n */\n\n'use strict';\n\n/**\n * Make a slug.\n */\nfunction slug(s) {\n  return kebab(s);\n}\n";
    expect(insertJsImport(source, "const kebab = require('./kebab');")).toBe(
      "/*!\n * slugkit\n * MIT Licensed\n */\n\n'use strict';\n\nconst kebab = require('./kebab');\n\n/**\n * Make a slug.\n */\nfunction slug(s) {\n  return kebab(s);\n}\n",
    );
    expect(insertJsImport('#!/usr/bin/env node\n"use strict"\nmain()\n', 'const x = require("x")')).toBe(
      '#!/usr/bin/env node\n"use strict"\n\nconst x = require("x")\n\nmain()\n',
    );
    expect(insertJsImport("'use client';\nimport a from 'a';\n", "import b from 'b';")).toBe(
      "'use client';\nimport a from 'a';\nimport b from 'b';\n",
    );
  });

  it('reads every CommonJS and ESM export form', () => {
    expect(moduleExports('module.exports = function slugify(s) {}\n').defaultName).toBe('slugify');
    expect(moduleExports('class Queue {}\nmodule.exports = Queue;\n').defaultName).toBe('Queue');
    expect([...moduleExports('module.exports = { parse, format: fmt, async load() {} };\n').named]).toEqual([
      'parse',
      'format',
      'load',
    ]);
    expect([...moduleExports('exports.a = 1;\nmodule.exports.b = 2;\n').named]).toEqual(['a', 'b']);
    expect(moduleExports('export default function render() {}\n').defaultName).toBe('render');
    expect(moduleExports('const x = 1;\nexport default x;\n').defaultName).toBe('x');
    const index = moduleExports(
      "export { parse } from './parse.js';\nexport * from './format.js';\nexport { a as b };\n",
    );
    expect([...index.named]).toEqual(['parse', 'b']);
    expect(index.reexports).toEqual([
      { specifier: './parse.js', names: ['parse'] },
      { specifier: './format.js', names: '*' },
    ]);
  });

  it("joins a named import to the file's existing one-line import from the same module", () => {
    expect(
      insertJsImport(
        "import { withTax } from './utils';\nimport type { Currency } from './utils';\n",
        "import { formatPrice } from './utils';",
      ),
    ).toBe("import { withTax, formatPrice } from './utils';\nimport type { Currency } from './utils';\n");
    expect(
      insertJsImport("'use strict';\n\nconst { a } = require('./x');\n", "const { b } = require('./x');"),
    ).toBe("'use strict';\n\nconst { a, b } = require('./x');\n");
    // another module, or a default import: a statement of its own
    expect(insertJsImport("import { a } from './x.js';\n", "import { b } from './y.js';")).toBe(
      "import { a } from './x.js';\nimport { b } from './y.js';\n",
    );
  });

  it('knows which local binding `export { a as b }` stands for', () => {
    const exp = moduleExports(
      "function fmt() {}\nexport { fmt as formatDuration, UNITS };\nexport { x as y } from './x.js';\n",
    );
    expect([...exp.locals]).toEqual([
      ['formatDuration', 'fmt'],
      ['UNITS', 'UNITS'],
    ]);
  });

  it("follows the file's quotes, semicolons and module system", () => {
    const cjs = styleOf('a.js', 'const x = require("x")\nmodule.exports = x\n');
    expect(cjs).toEqual({ esm: false, quote: '"', semicolon: false });
    expect(importStatement(cjs, { name: 'y', kind: 'named' }, './y')).toBe('const { y } = require("./y")');
    const esm = styleOf('a.ts', "import x from 'x';\n");
    expect(importStatement(esm, { name: 'y', kind: 'default' }, './y.js')).toBe("import y from './y.js';");
  });
});
