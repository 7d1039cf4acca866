// A corpus of small projects written the way their maintainers would (not shaped like the fixers-* fixtures), each
// with one missing import and no .github/mimo.yml and no node_modules: `mimo fix --model none` must infer the install
// step, run the real tests in the runner image and repair it with the deterministic fixers alone. Each case says
// which file must end how (the import in the file's own style, below its prologue). The N of M figure is printed
// at the end and recorded in docs/repair-loop.md.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitCases } from '../helpers/corpus.js';

const bin = new URL('../../bin/mimo.js', import.meta.url).pathname;
const corpus = new URL('../fixtures/repos/corpus-imports/', import.meta.url).pathname;

interface Case {
  repo: string;
  /** What the project is and the fault, for the test name. */
  what: string;
  /** The file the fix must edit, and patterns its text must match afterwards (multiline regexes). */
  file: string;
  expect: string[];
  /** Only in `npm run test:corpus` (test/helpers/corpus.ts). */
  full?: boolean;
}

const cases = JSON.parse(readFileSync(join(corpus, 'cases.json'), 'utf8')) as Case[];
const { run, full } = splitCases(corpus, cases);
const outcomes: string[] = [];

afterAll(() => {
  const repaired = outcomes.filter((o) => o.startsWith('repaired')).length;
  process.stderr.write(
    `corpus-imports: ${repaired} of ${run.length} run repaired (${full.length} more only in npm run test:corpus)\n${outcomes.map((o) => `  ${o}`).join('\n')}\n`,
  );
});

describe('mimo fix --model none on the import corpus (Docker)', () => {
  // npm-installed frameworks and cases marked `full`: only in `npm run test:corpus` (test/helpers/corpus.ts)
  if (full.length) it.skip.each(full.map((c) => [c.repo, c.what] as const))('%s: %s', () => {});
  it.each(run.map((c) => [c.repo, c.what, c] as const))(
    '%s: %s',
    (_repo, _what, c) => {
      const dir = mkdtempSync(join(tmpdir(), `mimo-corpus-${c.repo}-`));
      try {
        cpSync(join(corpus, c.repo), dir, { recursive: true });
        const result = spawnSync(process.execPath, [bin, 'fix', '--repo', dir, '--model', 'none'], {
          encoding: 'utf8',
          timeout: 540_000,
        });
        const out = JSON.parse(result.stdout.trim().split('\n').pop() || '{}') as {
          stop?: { reason: string; detail: string };
          rootCause?: string;
        };
        const text = readFileSync(join(dir, c.file), 'utf8');
        const missed = c.expect.filter((p) => !new RegExp(p, 'm').test(text));
        const ok = out.stop?.reason === 'green' && result.status === 0 && missed.length === 0;
        outcomes.push(`${ok ? 'repaired' : 'NOT repaired'} ${c.repo}: ${out.rootCause ?? out.stop?.detail}`);
        if (!ok) process.stderr.write(`${c.repo}:\n${result.stderr}\n${c.file}:\n${text}\n`);
        expect(out.stop?.reason).toBe('green');
        expect(result.status).toBe(0);
        expect(missed).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    600_000,
  );
});
