/** Kind normalisation shared by the JS runners, so the same failure reads the same whichever runner ran it. */
import type { ReportBuilder } from '../builder.js';
import type { ErrorInfo } from '../extract.js';

const TIMEOUT = /\btimed out\b|Exceeded timeout|Timeout of \d+ ?ms exceeded/i;

export function normalizeJsKind(info: ErrorInfo): ErrorInfo {
  if (info.kind === 'Error' || info.kind === 'JestAssertionError') {
    if (/^expect\(/.test(info.message)) info.kind = 'AssertionError';
    else if (TIMEOUT.test(info.message)) info.kind = 'Timeout';
  }
  return info;
}

/** Adds a Jest/Vitest test summary (`4 failed, 1 skipped, 1 passed`); suites that failed to run count as failed. */
export function addTestsSummary(builder: ReportBuilder, text: string, suiteErrors: number): void {
  const c: Record<string, number> = {};
  for (const m of text.matchAll(/(\d+) (\w+)/g)) c[m[2]!] = Number(m[1]);
  builder.addSummary({
    passed: c.passed ?? 0,
    failed: (c.failed ?? 0) + suiteErrors,
    skipped: (c.skipped ?? 0) + (c.todo ?? 0),
  });
}
