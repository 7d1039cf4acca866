// The lint gate after a fixer's edit, with the repository's own ESLint config run by the real ESLint of the runner
// image: an edit that makes the tests pass but turns strict mode off (a require above 'use strict', the bug of
// issue 12) is not kept; the fixer's own placement passes the same lint.
import { jest } from '@jest/globals';
import type { Fixer } from '../../src/fixers/index.js';
import { repairCase } from './sandbox-case.js';

jest.setTimeout(600_000);

/** The old placement: the require as the very first line of the file. */
const requireOnTop: Fixer = {
  name: 'require-on-top',
  async propose(context) {
    if (!/kebab is not defined/.test(context.output)) return [];
    return [
      {
        fixer: 'require-on-top',
        description: "put `const kebab = require('./kebab');` on line 1 of lib/index.js",
        key: 'require-on-top',
        resolves: 'kebab is not defined',
        apply: async () => {
          const source = await context.workspace.read('lib/index.js');
          await context.workspace.write('lib/index.js', `const kebab = require('./kebab');\n${source}`);
          return ['lib/index.js'];
        },
      },
    ];
  },
};

describe('lint after a fix (real ESLint in the sandbox)', () => {
  const fault = { 'lib/index.js': ["const kebab = require('./kebab');\n", ''] as [string, string] };

  it("refuses a fix that passes the tests but adds ESLint errors ('use strict' no longer first)", async () => {
    const c = await repairCase({
      fixture: 'fixers-js-cjs-strict',
      fault,
      test: 'mocha',
      fixers: [requireOnTop],
    });
    expect(c.result.stop.reason).toBe('no_progress');
    expect(c.result.edits).toEqual([]);
    const line = c.fixerLines.find((l) => l.startsWith('require-on-top:'));
    expect(line).toMatch(
      /improves the tests but adds \d+ lint errors? that were not there \(lib\/index\.js:\d+ eslint strict: /,
    );
  });
});
