/** Kind normalisation shared by the JS runners, so the same failure reads the same whichever runner ran it. */
import type { ErrorInfo } from '../extract.js';

const TIMEOUT = /\btimed out\b|Exceeded timeout|Timeout of \d+ ?ms exceeded/i;

export function normalizeJsKind(info: ErrorInfo): ErrorInfo {
  if (info.kind === 'Error' || info.kind === 'JestAssertionError') {
    if (/^expect\(/.test(info.message)) info.kind = 'AssertionError';
    else if (TIMEOUT.test(info.message)) info.kind = 'Timeout';
  }
  return info;
}
