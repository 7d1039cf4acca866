import { readFileSync } from 'node:fs';
import { insertGoImport } from '../../src/fixers/index.js';
import { applyBytes, rustSuggestions } from '../../src/fixers/rust-suggest.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/fixers/${name}`, import.meta.url), 'utf8');

describe('go import placement (gofmt order)', () => {
  const block = 'package p\n\nimport (\n\t"fmt"\n\t"os"\n\n\t"example.com/m/x"\n)\n';
  it('puts a standard-library path into the standard group, sorted', () => {
    expect(insertGoImport(block, '"strings"')).toBe(
      'package p\n\nimport (\n\t"fmt"\n\t"os"\n\t"strings"\n\n\t"example.com/m/x"\n)\n',
    );
    expect(insertGoImport(block, '"errors"')).toContain('import (\n\t"errors"\n\t"fmt"\n');
  });
  it('puts a module path into the third-party group', () => {
    expect(insertGoImport(block, '"example.com/m/a"')).toContain(
      '\n\n\t"example.com/m/a"\n\t"example.com/m/x"\n)',
    );
  });
  it('turns a single import into a block, and adds one below the package clause', () => {
    expect(insertGoImport('package p\n\nimport "fmt"\n\nfunc f() {}\n', '"strings"')).toBe(
      'package p\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\nfunc f() {}\n',
    );
    expect(insertGoImport('// Package p.\npackage p\n\nfunc f() {}\n', '"math"')).toBe(
      '// Package p.\npackage p\n\nimport "math"\n\nfunc f() {}\n',
    );
  });
});

describe("rustc's suggestions (real cargo --message-format=json output)", () => {
  it('reads `consider importing` from a real cargo run, once per distinct edit', () => {
    const groups = rustSuggestions(fixture('cargo-missing-hashmap.jsonl'));
    expect(groups.length).toBeGreaterThan(0);
    const first = groups[0]![0]!;
    expect(first).toMatchObject({
      file: 'src/inventory.rs',
      replacement: 'use std::collections::HashMap;\n',
      help: 'consider importing this struct',
      error: 'cannot find type `HashMap` in this scope',
    });
  });
  it('applies byte offsets, not UTF-16 indexes', () => {
    expect(applyBytes('// é\nfn main() {}\n', 6, 6, 'use x;\n')).toBe('// é\nuse x;\nfn main() {}\n');
  });
});
