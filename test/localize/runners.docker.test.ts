// End to end on the real Docker engine and runner image: `mimo localize` on one real-shaped repository per runner
// family (test/fixtures/repos/localize-*, each with one injected logic bug, listed in localize-cases.json) runs the
// inferred setup (npm ci with network for the Node ones), collects the runner's coverage and ranks the bug line in
// its top 5. Nothing reaches the user's directory, and the evidence used is said on stderr.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLocalizeCase, type LocalizeCase } from '../helpers/localize-case.js';

const fixtures = new URL('../fixtures/repos/', import.meta.url).pathname;
const cases = JSON.parse(readFileSync(join(fixtures, 'localize-cases.json'), 'utf8')) as LocalizeCase[];

describe('mimo localize per runner family (Docker)', () => {
  it.each(cases)(
    '$runner ($repo): the bug line $bug is in the top 5',
    (c) => runLocalizeCase(fixtures, c),
    600_000,
  );
});
