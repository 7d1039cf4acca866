import { jest } from '@jest/globals';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tsImportFixer } from '../../src/fixers/index.js';
import { findTsDiagnostics } from '../../src/fixers/ts-import.js';
import { proposeAfter } from '../helpers/propose.js';
import { tempRepo } from '../helpers/tmp.js';

jest.setTimeout(300_000);
const TSC = join(process.cwd(), 'node_modules/.bin/tsc');
const fixtures = new URL('../fixtures/repos/', import.meta.url).pathname;

const propose = (root: string, command = `${TSC} -p .`) => proposeAfter(tsImportFixer, root, command);

function fixture(name: string, faults: Record<string, [string | RegExp, string]>) {
  const root = mkdtempSync(join(tmpdir(), `mimo-${name}-`));
  cpSync(join(fixtures, name), root, { recursive: true });
  for (const [file, [from, to]] of Object.entries(faults)) {
    const before = readFileSync(join(root, file), 'utf8');
    const after = before.replace(from, to);
    if (after === before) throw new Error(`fault did not apply to ${file}`);
    writeFileSync(join(root, file), after);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

describe('ts-import fixer: the language service code fixes on real tsc diagnostics', () => {
  it('adds `import type` for a type and a value import below the license header, one name per round', async () => {
    const repo = fixture('fixers-ts-service', { 'src/tax.ts': [/^import .*\n/gm, ''] });
    try {
      const first = await propose(repo.root);
      expect(first.output).toContain("src/tax.ts(8,29): error TS2304: Cannot find name 'Money'.");
      expect(first.proposals.map((p) => p.description)).toEqual([
        `add \`import type { Money } from './money.js';\` in src/tax.ts (TS2304 Cannot find name 'Money'; TypeScript's fix "Add import from "./money.js""; alternatives: Add import from "./index.js")`,
        `add \`import type { Money } from './index.js';\` in src/tax.ts (TS2304 Cannot find name 'Money'; TypeScript's fix "Add import from "./index.js""; alternatives: Add import from "./money.js")`,
        `add \`import { roundHalfAway } from './util/round.js';\` in src/tax.ts (TS2304 Cannot find name 'roundHalfAway'; TypeScript's fix "Add import from "./util/round.js"")`,
      ]);
      await first.proposals[0]!.apply();
      const second = await propose(repo.root);
      expect(second.proposals).toHaveLength(1);
      await second.proposals[0]!.apply();
      expect((await second.sandbox.exec(`${TSC} -p . --noEmit`)).exitCode).toBe(0);
      expect(readFileSync(join(repo.root, 'src/tax.ts'), 'utf8').split('\n').slice(3, 8)).toEqual([
        ' */',
        '',
        "import type { Money } from './money.js';",
        "import { roundHalfAway } from './util/round.js';",
        '',
      ]);
    } finally {
      repo.cleanup();
    }
  });

  it('a value joins an existing `import type` as `import { Money, type Currency }`, not with `type` on the value', async () => {
    const repo = tempRepo({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'commonjs', strict: true, noEmit: true, types: [] },
        include: ['src'],
      }),
      'src/money.ts':
        "export type Currency = 'EUR' | 'USD';\nexport class Money {\n  static of(n: number, c: Currency): Money {\n    return new Money();\n  }\n}\n",
      'src/cart.ts':
        "import type { Currency } from './money';\n\nexport const zero = (c: Currency) => Money.of(0, c);\n",
    });
    try {
      const { proposals, sandbox } = await propose(repo.root);
      expect(proposals.map((p) => p.description)).toEqual([
        `add Update import from "./money" in src/cart.ts (TS2304 Cannot find name 'Money'; TypeScript's fix "Update import from "./money"")`,
      ]);
      await proposals[0]!.apply();
      expect(readFileSync(join(repo.root, 'src/cart.ts'), 'utf8')).toMatch(
        /^import \{ Money, type Currency \} from '\.\/money';\n/,
      );
      expect((await sandbox.exec(`${TSC} -p .`)).exitCode).toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it('moves a name imported from the wrong module (TS2305) to the module that exports it', async () => {
    const repo = fixture('fixers-ts-service', {
      'src/invoice.ts': [
        "import { add, money } from './money.js';\nimport { vat } from './tax.js';\n",
        "import { add, money, vat } from './money.js';\n",
      ],
    });
    try {
      const { output, proposals, sandbox } = await propose(repo.root);
      expect(output).toContain(`error TS2305: Module '"./money.js"' has no exported member 'vat'.`);
      expect(proposals[0]!.description).toMatch(/^move `vat` to `import \{ vat \} from '\.\/tax\.js';`/);
      await proposals[0]!.apply();
      expect((await sandbox.exec(`${TSC} -p . --noEmit`)).exitCode).toBe(0);
      expect(readFileSync(join(repo.root, 'src/invoice.ts'), 'utf8')).toContain(
        "import { add, money } from './money.js';\nimport { vat } from './tax.js';\n",
      );
    } finally {
      repo.cleanup();
    }
  });

  it('imports through a tsconfig `paths` alias the way the repository does', async () => {
    const repo = tempRepo({
      'package.json': '{"name":"blog","private":true,"type":"module"}\n',
      'tsconfig.json':
        '{"compilerOptions":{"strict":true,"module":"ESNext","moduleResolution":"Bundler","noEmit":true,"types":[],' +
        '"paths":{"@/*":["./src/*"]}},"include":["src"]}\n',
      'src/lib/slug.ts':
        "export function slugify(title: string): string {\n  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-');\n}\n",
      'src/features/posts/card.ts':
        "import { slugify } from '@/lib/slug';\n\nexport const href = (t: string): string => `/posts/${slugify(t)}`;\n",
      'src/features/posts/list.ts':
        "import { href } from './card';\n\nexport function links(titles: string[]): string[] {\n  return titles.map((t) => `${slugify(t)}:${href(t)}`);\n}\n",
    });
    try {
      const { proposals, sandbox } = await propose(repo.root);
      expect(proposals[0]!.description).toMatch(
        /^add `import \{ slugify \} from '@\/lib\/slug';` in src\/features\/posts\/list\.ts/,
      );
      await proposals[0]!.apply();
      expect((await sandbox.exec(`${TSC} -p .`)).exitCode).toBe(0);
      expect(readFileSync(join(repo.root, 'src/features/posts/list.ts'), 'utf8')).toMatch(
        /^import \{ slugify \} from '@\/lib\/slug';\nimport \{ href \} from '\.\/card';\n/,
      );
    } finally {
      repo.cleanup();
    }
  });

  it("keeps a license header and 'use strict' above the import", async () => {
    const repo = tempRepo({
      'tsconfig.json': '{"compilerOptions":{"strict":true,"module":"NodeNext","noEmit":true,"types":[]}}\n',
      'package.json': '{"type":"module"}\n',
      'src/upper.ts': 'export const upper = (s: string): string => s.toUpperCase();\n',
      'src/shout.ts':
        "// Copyright 2023 Acme Corp.\n// SPDX-License-Identifier: Apache-2.0\n'use strict';\n\nexport function shout(s: string): string {\n  return upper(s) + '!';\n}\n",
    });
    try {
      const { proposals, sandbox } = await propose(repo.root);
      await proposals[0]!.apply();
      expect((await sandbox.exec(`${TSC} -p .`)).exitCode).toBe(0);
      expect(readFileSync(join(repo.root, 'src/shout.ts'), 'utf8')).toBe(
        "// Copyright 2023 Acme Corp.\n// SPDX-License-Identifier: Apache-2.0\n'use strict';\n\nimport { upper } from './upper.js';\n\nexport function shout(s: string): string {\n  return upper(s) + '!';\n}\n",
      );
    } finally {
      repo.cleanup();
    }
  });

  it('prefers the nearest repository module over a farther one and over node_modules, naming the others', async () => {
    const repo = tempRepo({
      'package.json': '{"name":"csvtool","type":"module","dependencies":{"tiny-csv":"^2.1.0"}}\n',
      'tsconfig.json':
        '{"compilerOptions":{"strict":true,"module":"NodeNext","noEmit":true,"types":[]},"include":["src"]}\n',
      'node_modules/tiny-csv/package.json':
        '{"name":"tiny-csv","version":"2.1.0","type":"module","exports":{".":{"types":"./index.d.ts","default":"./index.js"}}}\n',
      'node_modules/tiny-csv/index.d.ts': 'export declare function parse(text: string): string[][];\n',
      'node_modules/tiny-csv/index.js':
        "export function parse(text) { return text.split('\\n').map((l) => l.split(',')); }\n",
      'src/legacy/v1/parse.ts': 'export function parse(text: string): string[][] {\n  return [[text]];\n}\n',
      'src/csv/parse.ts':
        "export function parse(text: string): string[][] {\n  return text.split('\\n').map((l) => l.split(','));\n}\n",
      'src/vendor.ts':
        "import { parse as vendorParse } from 'tiny-csv';\n\nexport const rows = vendorParse('a,b');\n",
      'src/csv/read.ts': 'export const count = (text: string): number => parse(text).length;\n',
    });
    try {
      const { proposals } = await propose(repo.root);
      expect(proposals).toHaveLength(2);
      expect(proposals[0]!.description).toMatch(
        /^add `import \{ parse \} from '\.\/parse\.js';` in src\/csv\/read\.ts/,
      );
      expect(proposals[0]!.description).toMatch(/alternatives: .*"\.\.\/legacy\/v1\/parse\.js"/);
      expect(proposals[0]!.description).toMatch(/alternatives: .*"tiny-csv"/);
      expect(proposals[1]!.description).toMatch(/from '\.\.\/legacy\/v1\/parse\.js'/);
    } finally {
      repo.cleanup();
    }
  });

  it("answers under a legacy tsconfig TypeScript 6 deprecates (commonjs, node10, baseUrl), in the file's quotes", async () => {
    const repo = tempRepo({
      'package.json': '{"name":"legacy-clock","version":"1.0.0"}\n',
      'tsconfig.json':
        '{"compilerOptions":{"target":"es5","module":"commonjs","moduleResolution":"node","baseUrl":".",' +
        '"strict":true,"outDir":"lib","types":[]},"include":["src"]}\n',
      'src/util/pad.ts':
        'export function pad2(n: number): string {\n  return n < 10 ? "0" + n : String(n);\n}\n',
      'src/clock.ts':
        'export function stamp(h: number, m: number): string {\n  return pad2(h) + ":" + pad2(m);\n}\n',
    });
    try {
      // TypeScript 6 reports only the deprecations unless told to ignore them (the runner's tsc 4.9 has none); the
      // fixer's language service answers under the legacy options as they are
      const { proposals, output } = await propose(
        repo.root,
        `${TSC} -p . --noEmit --pretty --ignoreDeprecations 6.0`,
      );
      expect(
        findTsDiagnostics(output, repo.root).map((d) => `${d.file}:${d.line}:${d.column}:${d.code}`),
      ).toEqual(['src/clock.ts:2:10:2304', 'src/clock.ts:2:26:2304']);
      expect(proposals.map((p) => p.description)).toEqual([
        `add \`import { pad2 } from "./util/pad";\` in src/clock.ts (TS2304 Cannot find name 'pad2'; TypeScript's fix "Add import from "./util/pad"")`,
      ]);
    } finally {
      repo.cleanup();
    }
  });
});
