import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseManifest, readManifest, ManifestError } from '../../src/eval/index.js';

const base = mkdtempSync(join(tmpdir(), 'mimo-eval-manifest-'));
mkdirSync(join(base, 'cases/a'), { recursive: true });
mkdirSync(join(base, 'cases/b'), { recursive: true });
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('eval manifest', () => {
  it('reads cases relative to the manifest and names every bad line by its number, keeping the others', () => {
    const text = [
      '// corpus',
      '{"id": "a", "repo": "cases/a", "test": "python -m pytest -q", "failing": ["tests/test_a.py::test_x"]}',
      '',
      '{"id": "broken", "repo": "cases/a", "test": ',
      '{"id": "no-test", "repo": "cases/a"}',
      '{"id": "b", "repo": "cases/b", "test": "npm test", "setup": "npm ci", "image": "mimo-runner:x"}',
      '{"id": "a", "repo": "cases/b", "test": "npm test"}',
      '{"id": "gone", "repo": "cases/missing", "test": "npm test"}',
      '{"id": "../escape", "repo": "cases/a", "test": "npm test"}',
      '{"id": "extra", "repo": "cases/a", "test": "npm test", "tset": 1}',
    ].join('\n');
    const { cases, invalid } = parseManifest(text, 'm.jsonl', base);
    expect(cases).toEqual([
      {
        id: 'a',
        repo: join(base, 'cases/a'),
        test: 'python -m pytest -q',
        failing: ['tests/test_a.py::test_x'],
        line: 2,
      },
      {
        id: 'b',
        repo: join(base, 'cases/b'),
        test: 'npm test',
        setup: 'npm ci',
        image: 'mimo-runner:x',
        line: 6,
      },
    ]);
    const messages = invalid.map((e) => e.message);
    expect(messages[0]).toMatch(/^m\.jsonl line 4: not valid JSON/);
    expect(messages[1]).toMatch(/^m\.jsonl line 5: "test": /);
    expect(messages[2]).toBe('m.jsonl line 7: "id": a is already the id of line 2');
    expect(messages[3]).toBe(
      `m.jsonl line 8: "repo": cases/missing is not a folder (looked for ${join(base, 'cases/missing')})`,
    );
    expect(messages[4]).toMatch(/^m\.jsonl line 9: "id": letters, digits/);
    expect(messages[5]).toMatch(/^m\.jsonl line 10: .*tset/);
    expect(invalid.map((e) => e.line)).toEqual([4, 5, 7, 8, 9, 10]);
  });

  it('says which manifest cannot be read', async () => {
    await expect(readManifest(join(base, 'nope.jsonl'))).rejects.toThrow(ManifestError);
    await expect(readManifest(join(base, 'nope.jsonl'))).rejects.toThrow(
      /cannot read the manifest .*nope\.jsonl: ENOENT/,
    );
  });

  it('the shipped corpus is valid: 20 cases, Python and JavaScript', async () => {
    const { cases, invalid } = await readManifest(
      new URL('../../examples/eval/manifest.jsonl', import.meta.url).pathname,
    );
    expect(invalid).toEqual([]);
    expect(cases).toHaveLength(20);
    expect(cases.filter((c) => c.id.startsWith('py-')).length).toBeGreaterThanOrEqual(8);
    expect(cases.filter((c) => c.id.startsWith('js-')).length).toBeGreaterThanOrEqual(8);
  });
});
