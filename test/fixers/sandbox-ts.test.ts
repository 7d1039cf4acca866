// TypeScript missing imports repaired by `mimo fix --model none`'s loop in the real runner image (Debian's tsc
// 4.9 runs the tests), through the ts-import fixer: the language service's own "Add import from …" code fixes.
import { jest } from '@jest/globals';
import { repairCase } from './sandbox-case.js';

jest.setTimeout(600_000);

describe('ts-import fixer in the real sandbox', () => {
  it('a type and a value import removed from a licensed file come back, `import type` included', async () => {
    const c = await repairCase({
      fixture: 'fixers-ts-service',
      fault: { 'src/tax.ts': [/^import .*\n/gm, ''] },
      test: 'tsc -p . && node --test test/',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.fixerLines.filter((l) => l.startsWith('kept: '))).toEqual([
      expect.stringMatching(/^kept: add `import type \{ Money \} from '\.\/money\.js';` in src\/tax\.ts/),
      expect.stringMatching(
        /^kept: add `import \{ roundHalfAway \} from '\.\/util\/round\.js';` in src\/tax\.ts/,
      ),
    ]);
    expect(c.read('src/tax.ts')).toContain(
      " */\n\nimport type { Money } from './money.js';\nimport { roundHalfAway } from './util/round.js';\n",
    );
  });

  it('TS2305: a name imported from the wrong module moves to the module that exports it', async () => {
    const c = await repairCase({
      fixture: 'fixers-ts-service',
      fault: {
        'src/invoice.ts': [
          "import { add, money } from './money.js';\nimport { vat } from './tax.js';\n",
          "import { add, money, vat } from './money.js';\n",
        ],
      },
      test: 'tsc -p . && node --test test/',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('src/invoice.ts')).toContain(
      "import { add, money } from './money.js';\nimport { vat } from './tax.js';\n",
    );
    expect(c.fixerLines.some((l) => l.startsWith('kept: move `vat` to'))).toBe(true);
  });
});
