import { redact } from '../git/index.js';

/** Text from logs, diffs, titles and commit messages is data: escaped before it reaches a page. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const MODEL_KEY = /\bsk-(?:ant-)?[A-Za-z0-9_-]{16,}\b/g;

/** Hides tokens a command's output may have echoed (git's patterns, plus model keys): a page link can be forwarded. */
export function redactSecrets(text: string): string {
  return redact(text).replace(MODEL_KEY, '***');
}

/** Escaped and redacted: what every piece of run text goes through on the page. */
export function safeText(text: string): string {
  return escapeHtml(redactSecrets(text));
}
