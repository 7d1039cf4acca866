// Missing imports in a Go module and a Rust crate, repaired in the real runner image: Go from the sandbox's
// `go list std` and the module's own packages, Rust from rustc's own JSON suggestions.
import { jest } from '@jest/globals';
import { repairCase } from './sandbox-case.js';

jest.setTimeout(600_000);

describe('go and rust fixers in the real sandbox', () => {
  it('Go: `undefined: strings` adds "strings" to the standard-library group in order', async () => {
    const c = await repairCase({
      fixture: 'fixers-go-module',
      fault: { 'format/format.go': ['\t"strings"\n', ''] },
      test: 'go test -v ./...',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('format/format.go')).toContain(
      'import (\n\t"fmt"\n\t"strings"\n\n\t"example.com/tempconv"\n',
    );
  });

  it("Go: `undefined: rounding` imports the module's own internal package", async () => {
    const c = await repairCase({
      fixture: 'fixers-go-module',
      fault: { 'format/format.go': ['\t"example.com/tempconv/internal/rounding"\n', ''] },
      test: 'go test -v ./...',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('format/format.go')).toContain(
      '\t"example.com/tempconv"\n\t"example.com/tempconv/internal/rounding"\n)',
    );
  });

  it('Go: a file with no import left gets `import "math"` below its package clause', async () => {
    const c = await repairCase({
      fixture: 'fixers-go-module',
      fault: { 'internal/rounding/rounding.go': ['import "math"\n\n', ''] },
      test: 'go test -v ./...',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('internal/rounding/rounding.go')).toContain('package rounding\n\nimport "math"\n');
  });

  it("Rust: rustc's `consider importing this struct` brings back `use std::collections::HashMap;`", async () => {
    const c = await repairCase({
      fixture: 'fixers-rust-crate',
      fault: { 'src/inventory.rs': ['use std::collections::HashMap;\n', ''] },
      test: 'cargo test --offline',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.result.rootCause).toMatch(
      /^apply rustc's suggestion `use std::collections::HashMap;` to src\/inventory\.rs/,
    );
  });

  it("Rust: a type of the crate's own module is imported with `use crate::…`", async () => {
    const c = await repairCase({
      fixture: 'fixers-rust-crate',
      fault: { 'src/inventory.rs': ['use crate::shelf::Shelf;\n', ''] },
      test: 'cargo test --offline',
    });
    expect(c.result.stop.reason).toBe('green');
    expect(c.read('src/inventory.rs')).toMatch(/use crate::shelf::Shelf;/);
  });
});
