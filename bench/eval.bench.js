// Eval-harness benchmark: the harness's own overhead per case — a case's wall time (copy, two sandboxes, the loop,
// the verification) minus the time its test commands took (`testMs`: every test run of the loop and of the
// verification, as the runner timed them) — at --parallel 1 and 2, over the same cases of examples/eval with
// --model none (deterministic fixers only: no model latency to take out). The real Docker sandbox and runner image.
// Prints one JSON object of figures: medians per case, and the ratio of --parallel 2 to --parallel 1 measured in
// the same run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readManifest, readResults, runEval } from '../dist/eval/index.js';
import { runSandboxed } from '../dist/sandbox/index.js';

const root = new URL('..', import.meta.url).pathname;
const IDS = (
  process.env.BENCH_EVAL_CASES ??
  'py-json-export,py-word-index,py-grade-boundary,js-esm-read-config,js-cjs-local-export,js-zero-default'
).split(',');
const { cases } = await readManifest(join(root, 'examples/eval/manifest.jsonl'));
const chosen = cases.filter((c) => IDS.includes(c.id));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? 0
    : s.length % 2
      ? s[(s.length - 1) / 2]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x) => Math.round(x);

async function measure(parallel) {
  const out = mkdtempSync(join(tmpdir(), `mimo-eval-bench-p${parallel}-`));
  try {
    const results = [];
    const summary = await runEval({
      cases: chosen,
      invalid: [],
      out,
      resume: false,
      settings: {
        model: 'none',
        modelLabel: 'none — the deterministic fixers only',
        scripted: false,
        feedback: 'structured',
        fixers: true,
        score: true,
        localize: true,
        proofRuns: 3,
        parallel,
        ...(process.env.BENCH_EVAL_IMAGE ? { image: process.env.BENCH_EVAL_IMAGE } : {}),
        source: 'examples/eval/manifest.jsonl',
      },
      modelFor: () => null,
      run: runSandboxed,
      signal: new globalThis.AbortController().signal,
      progress: (line) => process.stderr.write(`  ${line}\n`),
    });
    results.push(...(await readResults(join(out, 'results.jsonl'))).results);
    const overhead = results.map((r) => r.wallMs - r.testMs);
    return {
      cases: results.length,
      resolved: summary.resolved,
      medianCaseWallMs: round(median(results.map((r) => r.wallMs))),
      medianCaseTestMs: round(median(results.map((r) => r.testMs))),
      medianOverheadMsPerCase: round(median(overhead)),
      elapsedMs: summary.wallMs,
      elapsedMsPerCase: round(summary.wallMs / results.length),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const p1 = await measure(1);
const p2 = await measure(2);
process.stdout.write(
  `${JSON.stringify({
    cases: chosen.map((c) => c.id),
    parallel1: p1,
    parallel2: p2,
    overheadRatioP2toP1: Math.round((p2.medianOverheadMsPerCase / p1.medianOverheadMsPerCase) * 100) / 100,
    elapsedRatioP2toP1: Math.round((p2.elapsedMs / p1.elapsedMs) * 100) / 100,
  })}\n`,
);
