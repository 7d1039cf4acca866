/** The end of a pytest session: its counts line, and its failure blocks named by the short summary's node ids. */
import type { Counts } from '../builder.js';
import { pythonException, withExpectedActual } from '../extract.js';
import { dedent } from '../text.js';
import type { Failure } from '../types.js';

export interface Pending {
  name?: string;
  section: 'failures' | 'errors';
  failure: Failure;
}

export interface SummaryEntry {
  status: string;
  nodeid: string;
  message: string;
}

const COUNT = /(\d+) ([a-z]+)/g;

/** The counts of a session's last line (`7 failed, 2 passed, 1 xfailed, 1 error`); the last of a word wins. */
export function sessionCounts(counts: string): Counts {
  let passed = 0;
  let xpassed = 0;
  let failed = 0;
  let error = 0;
  let skipped = 0;
  let xfailed = 0;
  COUNT.lastIndex = 0;
  for (let m = COUNT.exec(counts); m !== null; m = COUNT.exec(counts)) {
    const word = m[2]!;
    const n = Number(m[1]);
    switch (word.endsWith('s') ? word.slice(0, -1) : word) {
      case 'passed':
        passed = n;
        break;
      case 'xpassed':
        xpassed = n;
        break;
      case 'failed':
        failed = n;
        break;
      case 'error':
        error = n;
        break;
      case 'skipped':
        skipped = n;
        break;
      case 'xfailed':
        xfailed = n;
        break;
    }
  }
  return { passed: passed + xpassed, failed: failed + error, skipped: skipped + xfailed };
}

/**
 * Names each failure block by its node id from the short summary (the first unused entry of the block's status
 * that names it, else of any status), and adds the summary-only failures, in that order.
 */
export function matchSummary(pending: Pending[], summary: SummaryEntry[], add: (f: Failure) => void): void {
  const entries = summary.filter((s) => s.status === 'FAILED' || s.status === 'ERROR');
  const used: boolean[] = entries.map(() => false);
  for (const p of pending) {
    let hit = -1;
    if (p.name !== undefined && p.name !== '') {
      const name = p.name;
      const own = `::${name}`;
      const dotted = name.includes('.') ? `::${name.replace(/\./g, '::')}` : own;
      const want = p.section === 'errors' ? 'ERROR' : 'FAILED';
      let other = -1;
      for (let i = 0; i < entries.length; i++) {
        if (used[i]) continue;
        const s = entries[i]!;
        const id = s.nodeid;
        if (id !== name && !id.endsWith(dotted) && !id.endsWith(own)) continue;
        if (s.status === want) {
          hit = i;
          break;
        }
        if (other < 0) other = i;
      }
      if (hit < 0) hit = other;
    } else {
      hit = entries.findIndex((s, i) => !used[i] && s.status === 'FAILED');
    }
    if (hit >= 0) {
      used[hit] = true;
      p.failure.test = entries[hit]!.nodeid;
    }
    if (!p.failure.file) p.failure.file = nodeFile(p.failure.test);
    add(p.failure);
  }
  for (let i = 0; i < entries.length; i++) {
    if (used[i]) continue;
    const s = entries[i]!;
    const { kind, message } = lineKind(
      s.message.includes('\n') ? dedent(s.message.split('\n')).join('\n') : s.message.trim(),
    );
    add({ test: s.nodeid, file: nodeFile(s.nodeid), ...withExpectedActual({ kind, message, frames: [] }) });
  }
}

function nodeFile(nodeid: string): string | undefined {
  const end = nodeid.indexOf('::');
  const file = end < 0 ? nodeid : nodeid.slice(0, end);
  return file.endsWith('.py') ? file : undefined;
}

/** Kind and message of a one-line failure text (`KeyError: 'age'`, `assert 2 == 2.5`, `Failed: …`). */
export function lineKind(text: string): { kind: string; message: string } {
  const nl = text.indexOf('\n');
  const first = nl < 0 ? text : text.slice(0, nl);
  if (first.startsWith('assert ')) return { kind: 'AssertionError', message: text };
  const exc = pythonException(first, nl < 0 ? [] : text.slice(nl + 1).split('\n'));
  return exc.kind === 'Error' ? { kind: 'Error', message: text } : exc;
}
