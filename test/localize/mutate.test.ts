import { readFileSync } from 'node:fs';
import { fromGoProfiles, goLeafSubtests, goRunPattern, rankSuspicious } from '../../src/localize/index.js';
import { mutantsOf } from '../../src/localize/mutate.js';

const fixtures = new URL('../fixtures/localize/', import.meta.url).pathname;

describe('mutantsOf', () => {
  it('moves a comparison boundary and drops an off-by-one, comparisons first', () => {
    const line = '\tfor i := 0; i < len(a)-1 && i < len(b); i++ {';
    const mutants = mutantsOf(line, 'go');
    expect(mutants[0]).toBe('\tfor i := 0; i <= len(a)-1 && i < len(b); i++ {');
    expect(mutants).toContain('\tfor i := 0; i < len(a) && i < len(b); i++ {');
    expect(mutants.length).toBeLessThanOrEqual(5);
  });

  it('moves an integer bound by one and swaps boolean operators', () => {
    expect(mutantsOf('    while end > 1:', 'python')).toEqual(
      expect.arrayContaining(['    while end >= 1:', '    while end > 2:', '    while end > 0:']),
    );
    expect(mutantsOf('  if (a && b) return x;', 'js')).toContain('  if (a || b) return x;');
    expect(mutantsOf('    if x == 0 or y:', 'python')).toEqual(
      expect.arrayContaining(['    if x != 0 or y:', '    if x == 0 and y:']),
    );
  });

  it('leaves strings, comments, generics, arrows and imports alone', () => {
    expect(mutantsOf('  const s = "a < b";', 'js')).toEqual([]);
    expect(mutantsOf('  let v: Vec<u8> = Vec::new(); // x < y', 'rust')).toEqual([]);
    expect(mutantsOf('  v := <-ch', 'go')).toEqual([]);
    expect(mutantsOf('from a import b', 'python')).toEqual([]);
    expect(mutantsOf('  return n - 1 # keep n > 0', 'python')).toEqual(['  return n # keep n > 0']);
  });
});

describe('Go subtests', () => {
  it('lists the leaf subtests of real `go test -v` output', () => {
    const leaves = goLeafSubtests(readFileSync(`${fixtures}go-semver-v.log`, 'utf8'));
    expect(leaves).toContain('TestCompare/1.0.0-alpha.1_vs_1.0.0-alpha.beta');
    expect(leaves).toContain('TestLatest/with_pre-releases');
    expect(leaves).not.toContain('TestCompare');
    expect(leaves.every((n) => n.includes('/'))).toBe(true);
  });

  it('anchors and escapes each level of a run pattern', () => {
    expect(goRunPattern('TestCompare/1.0.0_vs_1.0.0+build')).toBe(
      '^TestCompare$/^1\\.0\\.0_vs_1\\.0\\.0\\+build$',
    );
    const re = goRunPattern('TestX/a(b)')
      .split('/')
      .map((p) => new RegExp(p));
    expect(re[1]!.test('a(b)')).toBe(true);
    expect(re[1]!.test('xa(b)')).toBe(false);
  });

  it('reads one profile per run with its exit status, module paths made relative', () => {
    const out = [
      '==> 0',
      'mode: count',
      'example.org/m/pkg/a.go:3.10,5.2 1 2',
      'example.org/m/pkg/a.go:7.1,7.9 1 0',
      '==> 1',
      'mode: count',
      'example.org/m/pkg/a.go:7.1,7.9 1 1',
      '==> status',
      '0 0',
      '1 1',
    ].join('\n');
    const runs = fromGoProfiles(out, 'example.org/m');
    expect(runs.get('0')).toEqual({ failed: false, lines: { 'pkg/a.go': [3, 4, 5] } });
    expect(runs.get('1')).toEqual({ failed: true, lines: { 'pkg/a.go': [7] } });
  });
});

describe('mutation evidence in the ranking', () => {
  it('lifts a line whose mutant made the failing tests pass above lines the spectrum ties with it', () => {
    const coverage = {
      tests: [
        { name: 'a', failed: true, lines: { 'src/x.py': [1, 2, 3] } },
        { name: 'b', failed: false, lines: { 'src/x.py': [1] } },
      ],
    };
    const before = rankSuspicious({ reports: [], coverage });
    const after = rankSuspicious({ reports: [], coverage, mutation: new Map([['src/x.py:3', 1]]) });
    expect(before[0]!.line).not.toBe(3);
    expect(after[0]).toMatchObject({ file: 'src/x.py', line: 3 });
  });
});
