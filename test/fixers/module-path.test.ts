import { jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { modulePathFixer } from '../../src/fixers/module-path.js';
import { LocalSandbox } from '../helpers/fake-sandbox.js';
import { proposeAfter } from '../helpers/propose.js';
import { tempRepo } from '../helpers/tmp.js';

jest.setTimeout(300_000);
const TSC = join(process.cwd(), 'node_modules/.bin/tsc');

const propose = (root: string, command: string) => proposeAfter(modulePathFixer, root, command);

const tsconfig = JSON.stringify({
  compilerOptions: {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    types: [],
  },
  include: ['src'],
});

describe('module-path fixer (real tsc and node output)', () => {
  it('TS2307: a wrong relative path is corrected to the module of that name that exports the names', async () => {
    const repo = tempRepo({
      'package.json': '{"type":"module"}\n',
      'tsconfig.json': tsconfig,
      'src/lib/format.ts': 'export const pad = (s: string): string => s.padEnd(4);\n',
      // same name, but without `pad`: not a candidate
      'src/old/format.ts': 'export const trim = (s: string): string => s.trim();\n',
      'src/report.ts':
        "import { pad } from './utils/format.js';\n\nexport const row = (s: string): string => pad(s);\n",
    });
    try {
      for (const command of [`${TSC} -p .`, `${TSC} -p . --pretty`]) {
        const { result, proposals } = await propose(repo.root, command);
        expect(result.stdout).toContain('TS2307');
        expect(proposals.map((p) => p.description)).toEqual([
          "import ./utils/format.js as ./lib/format.js in src/report.ts (Cannot find module './utils/format.js'; src/lib/format.ts exports pad)",
        ]);
      }
      const { proposals } = await propose(repo.root, `${TSC} -p .`);
      await proposals[0]!.apply();
      expect(readFileSync(join(repo.root, 'src/report.ts'), 'utf8')).toMatch(
        /^import \{ pad \} from '\.\/lib\/format\.js';\n/,
      );
      expect((await new LocalSandbox(repo.root).exec(`${TSC} -p .`)).exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it("Node's CommonJS and ESM 'Cannot find module' for a relative path", async () => {
    const repo = tempRepo({
      'lib/helpers/strings.js': "'use strict';\n\nexports.shout = (s) => s.toUpperCase();\n",
      'lib/main.js':
        "'use strict';\n\nconst { shout } = require('./strings');\n\nconsole.log(shout('ok'));\n",
      'esm/util/clamp.mjs':
        'export function clamp(x, lo, hi) {\n  return Math.min(hi, Math.max(lo, x));\n}\n',
      'esm/main.mjs': "import { clamp } from './clamp.mjs';\n\nconsole.log(clamp(5, 0, 1));\n",
    });
    try {
      const cjs = await propose(repo.root, 'node lib/main.js');
      expect(cjs.proposals.map((p) => p.description)).toEqual([
        "import ./strings as ./helpers/strings in lib/main.js (Cannot find module './strings'; lib/helpers/strings.js exports shout)",
      ]);
      await cjs.proposals[0]!.apply();
      expect((await cjs.sandbox.exec('node lib/main.js')).stdout).toBe('OK\n');

      const esm = await propose(repo.root, 'node esm/main.mjs');
      expect(esm.proposals.map((p) => p.description)).toEqual([
        `import ./clamp.mjs as ./util/clamp.mjs in esm/main.mjs (Cannot find module '${join(repo.root, 'esm/clamp.mjs')}'; esm/util/clamp.mjs exports clamp)`,
      ]);
      await esm.proposals[0]!.apply();
      expect((await esm.sandbox.exec('node esm/main.mjs')).stdout).toBe('1\n');
    } finally {
      repo.cleanup();
    }
  });

  it('proposes nothing for a missing package or a module the repository does not have', async () => {
    const repo = tempRepo({
      'a.js': "const { y } = require('./nowhere');\n",
      'b.js': "const pad = require('left-pad');\n",
    });
    try {
      for (const file of ['a.js', 'b.js']) {
        const { result, proposals } = await propose(repo.root, `node ${file}`);
        expect(result.stderr).toContain('Cannot find module');
        expect(proposals).toEqual([]);
      }
    } finally {
      repo.cleanup();
    }
  });
});
