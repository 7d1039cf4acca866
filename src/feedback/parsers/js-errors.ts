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
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let todo = 0;
  COUNT_WORD.lastIndex = 0;
  for (let m = COUNT_WORD.exec(text); m !== null; m = COUNT_WORD.exec(text)) {
    const n = Number(m[1]);
    const word = m[2];
    // The last figure of a word wins, as a map of word to figure would keep it.
    if (word === 'passed') passed = n;
    else if (word === 'failed') failed = n;
    else if (word === 'skipped') skipped = n;
    else if (word === 'todo') todo = n;
  }
  builder.addSummary({ passed, failed: failed + suiteErrors, skipped: skipped + todo });
}

const COUNT_WORD = /(\d+) (\w+)/g;
