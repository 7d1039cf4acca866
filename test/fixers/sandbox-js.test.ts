// Missing imports in real-shaped JavaScript/TypeScript projects (CommonJS with 'use strict' under mocha, ESM under
// node:test, TypeScript under tsc), repaired by the deterministic fixers in the real runner image.
import { jest } from '@jest/globals';
import { repairCase } from './sandbox-case.js';

jest.setTimeout(600_000);

describe('js fixers in the real sandbox', () => {
  it("CommonJS: `module.exports = function kebab` is required as a default, below the license and 'use strict'", async () => {
    const c = await repairCase({
      fixture: 'fixers-js-cjs-strict',
      fault: { 'lib/index.js': ["const kebab = require('./kebab');\n", ''] },
      test: 'mocha',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('lib/index.js')).toContain(
      " * MIT Licensed\n */\n\n'use strict';\n\nconst { titleCase } = require('./titles');\nconst kebab = require('./kebab');\n",
    );
    // the repository's ESLint ran on the edit and found nothing new
    expect(c.fixerLines.join('\n')).not.toMatch(/lint check skipped|adds \d+ lint error|not runnable/);
  });

  it('CommonJS: `exports.titleCase =` is destructured from require', async () => {
    const c = await repairCase({
      fixture: 'fixers-js-cjs-strict',
      fault: { 'lib/index.js': ["const { titleCase } = require('./titles');\n", ''] },
      test: 'mocha',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('lib/index.js')).toContain(
      "const kebab = require('./kebab');\nconst { titleCase } = require('./titles');\n",
    );
  });

  it('ESM: a named export and a default export are imported with .js specifiers', async () => {
    const c = await repairCase({
      fixture: 'fixers-js-esm',
      fault: {
        'src/format.js': ["import { parse } from './parse.js';\nimport render from './render.js';\n", ''],
      },
      test: 'node --test',
    });
    expect(c.result.stop.reason).toBe('green');
    const text = c.read('src/format.js');
    expect(text).toContain("import { parse } from './parse.js';");
    expect(text).toContain("import render from './render.js';");
  });

  it("ESM link error: `does not provide an export named 'formatDate'` imports it from the module that has it", async () => {
    const c = await repairCase({
      fixture: 'fixers-js-esm',
      fault: {
        'src/format.js': [
          "import { formatDate } from './dates.js';",
          "import { formatDate } from './parse.js';",
        ],
      },
      test: 'node --test',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('src/format.js')).toContain("import { formatDate } from './dates.js';");
  });

  it("ESM: `SyntaxError: Export 'toTitle' is not defined` imports the re-exported name", async () => {
    const c = await repairCase({
      fixture: 'fixers-js-esm',
      fault: { 'src/index.js': ["import { toTitle } from './case.js';\n\n", ''] },
      test: 'node --test',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('src/index.js').split('\n')[0]).toBe("import { toTitle } from './case.js';");
  });

  it('TypeScript: tsc TS2304 gets the import with the NodeNext `.js` suffix, in the sorted place it had', async () => {
    const c = await repairCase({
      fixture: 'fixers-ts-tsc',
      fault: { 'src/scale.ts': ["import { clamp } from './clamp.js';\n", ''] },
      test: 'tsc -p . && node --test test/',
    });
    expect(c.result.stop.reason).toBe('green');
    // the language service's fix (ts-import) keeps the block sorted by specifier, as the file had it
    expect(c.read('src/scale.ts')).toMatch(
      /^import \{ clamp \} from '\.\/clamp\.js';\nimport type \{ Range \} from '\.\/range\.js';\n/,
    );
    expect(
      c.fixerLines.some((l) => l.startsWith('kept: add `import { clamp }') && l.includes('TS2304')),
    ).toBe(true);
  });
});
