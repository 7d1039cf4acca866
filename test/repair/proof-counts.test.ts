// The proof of fix compares how many tests ran before and after; `go test` without -v prints no per-test pass line,
// so its reports say the passes are unknown (passedUnknown) and the comparison must not call a fix "tests dropped".
// The runs are the parser's reports of REAL go 1.24 outputs (test/fixtures/feedback/go/shop-*.log).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTestOutput } from '../../src/feedback/index.js';
import type { TestRun } from '../../src/repair/context.js';
import { proveFix } from '../../src/repair/proof.js';
import type { Session } from '../../src/repair/session.js';

const fixtures = new URL('../fixtures/feedback/go/', import.meta.url).pathname;

function runOf(name: string, exitCode: number, dir = fixtures): TestRun {
  const output = readFileSync(join(dir, name), 'utf8');
  return {
    command: 'go test ./...',
    exitCode,
    timedOut: false,
    output,
    report: parseTestOutput(output),
    signature: '',
    durationMs: 1,
  };
}

/** Just what proveFix reads of a session: its command, its baseline, a test runner and the event sink. */
function session(baseline: TestRun, after: TestRun): Session {
  return {
    options: { testCommand: 'go test ./...' },
    baseline,
    test: () => Promise.resolve(after),
    emitRun: () => undefined,
  } as unknown as Session;
}

describe('proof of fix with go test without -v', () => {
  it('a green `ok pkg` run after a red one is a proof, not tests_dropped', async () => {
    const proof = await proveFix(
      session(runOf('shop-default.log', 1), runOf('shop-fixed.log', 0)),
      ['TestTotal', 'TestFirst'],
      1,
    );
    expect(proof.dropped).toBeUndefined();
    expect(proof.ok).toBe(true);
  });

  it('with -v counts on both sides, fewer tests after the fix is still tests_dropped', async () => {
    const verbose = runOf('shop-verbose.log', 1);
    const fewer: TestRun = {
      ...verbose,
      exitCode: 0,
      report: { ...verbose.report, passed: 3, failed: 0, failures: [] },
    };
    const proof = await proveFix(session(verbose, fewer), ['TestTotal', 'TestFirst'], 1);
    expect(proof.ok).toBe(false);
    expect(proof.dropped).toMatch(/ran 3 test\(s\) where the baseline ran 8/);
  });
});

describe('proof of fix after a crate that did not compile', () => {
  // REAL cargo 1.x outputs in the runner image: the corpus case rust-ledger before (two E0412 diagnostics, no test
  // ran) and after `use crate::model::Item;` (one integration test passes)
  const dir = new URL('../fixtures/repair/', import.meta.url).pathname;
  it('rustc diagnostics are not tests: one test passing afterwards is a proof, not tests_dropped', async () => {
    const broken = runOf('cargo-ledger-broken.log', 101, dir);
    expect(broken.report.failures.map((f) => f.kind)).toEqual(['E0412', 'E0412']);
    const proof = await proveFix(session(broken, runOf('cargo-ledger-fixed.log', 0, dir)), [], 1);
    expect(proof.dropped).toBeUndefined();
    expect(proof.ok).toBe(true);
  });
});
