/**
 * The text the model sees: failures deduplicated (`× N`), the most informative first, each with the code around
 * its innermost project frame, the assertion's expected/actual, locals and the message — within a token budget.
 * What does not fit in full is listed compactly; what does not fit at all is counted and its locations named.
 */
import { createHash } from 'node:crypto';
import type { Failure, TestReport } from './types.js';

export interface RenderOptions {
  /** Returns a file's text (path as the report names it), or undefined when it cannot be read. */
  readSource?: (file: string) => string | undefined;
  /** Approximate tokens the text may use (default 1,500). */
  tokenBudget?: number;
  /** Source lines shown on each side of the failing line (default 3). */
  contextLines?: number;
}

export const DEFAULT_TOKEN_BUDGET = 1500;
const MAX_MESSAGE_LINES = 14;
const MAX_LINE_CHARS = 200;

/** Tokens of a text as budgets count them here: about 4 characters per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

interface Group {
  failure: Failure;
  tests: string[];
  count: number;
  order: number;
}

export function groupFailures(failures: Failure[]): Group[] {
  const groups = new Map<string, Group>();
  failures.forEach((f, order) => {
    const key = [f.kind, f.message, f.file ?? '', f.line ?? '', f.expected ?? '', f.actual ?? ''].join(
      '\u0000',
    );
    const g = groups.get(key);
    if (g) {
      g.count++;
      if (g.tests.length < 5) g.tests.push(f.test);
    } else groups.set(key, { failure: f, tests: [f.test], count: 1, order });
  });
  return [...groups.values()].sort((a, b) => score(b) - score(a) || a.order - b.order);
}

/** More informative first: a project location, an expected/actual pair, locals, then how many tests share it. */
function score(g: Group): number {
  const f = g.failure;
  return (
    (f.line !== undefined ? 4 : f.file ? 2 : 0) +
    (f.expected !== undefined ? 2 : 0) +
    (f.locals ? 1 : 0) +
    (f.kind === 'Timeout' ? -1 : 0) +
    Math.log2(g.count)
  );
}

export function renderFeedback(report: TestReport, options: RenderOptions = {}): string {
  const budget = options.tokenBudget ?? DEFAULT_TOKEN_BUDGET;
  const context = options.contextLines ?? 3;
  const sources = new Map<string, string[] | null>();
  const source = (file: string): string[] | null => {
    if (!sources.has(file)) {
      let text: string | undefined;
      try {
        text = options.readSource?.(file);
      } catch {
        text = undefined;
      }
      sources.set(file, text === undefined ? null : text.split('\n'));
    }
    return sources.get(file)!;
  };

  const head = `${report.runner}: ${report.failed} failed, ${report.passed} passed, ${report.skipped} skipped`;
  if (!report.failures.length) {
    return report.failed ? `${head}\n(no failure details could be extracted from the output)` : head;
  }
  const groups = groupFailures(report.failures);
  const parts: string[] = [head];
  let used = estimateTokens(head);
  let index = 0;
  // Full sections while they fit, keeping room for one compact line per remaining group.
  for (; index < groups.length; index++) {
    const full = renderFull(groups[index]!, source, context);
    const reserve = groups.slice(index + 1).reduce((n, g) => n + estimateTokens(compact(g)) + 1, 0);
    if (used + estimateTokens(full) + reserve > budget) break;
    parts.push(full);
    used += estimateTokens(full) + 1;
  }
  const compactLines: string[] = [];
  for (; index < groups.length; index++) {
    const line = compact(groups[index]!);
    if (used + estimateTokens(line) + 30 > budget) break;
    compactLines.push(line);
    used += estimateTokens(line) + 1;
  }
  if (compactLines.length) parts.push(`Also failing (shortened to fit):\n${compactLines.join('\n')}`);
  const rest = groups.slice(index);
  const hiddenTests = report.failed - report.failures.length;
  if (rest.length || hiddenTests > 0) {
    const n = rest.reduce((s, g) => s + g.count, 0);
    const locations = [...new Set(rest.map((g) => location(g.failure)).filter(Boolean))];
    let note = `… ${n} more failure${n === 1 ? '' : 's'} (${rest.length} distinct) left out to fit ${budget} tokens`;
    if (hiddenTests > 0) note += `; ${hiddenTests} failing tests had no details in the output`;
    const room = Math.max(0, (budget - used) * 4 - note.length - 8);
    let listed = '';
    for (const loc of locations) {
      if (listed.length + loc.length + 2 > room) break;
      listed += (listed ? ', ' : '') + loc;
    }
    parts.push(listed ? `${note}; at ${listed}` : note);
  }
  return parts.join('\n\n');
}

function location(f: Failure): string {
  return f.file ? (f.line !== undefined ? `${f.file}:${f.line}` : f.file) : '';
}

function times(g: Group): string {
  return g.count > 1 ? ` × ${g.count}` : '';
}

function clip(line: string): string {
  return line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line;
}

function compact(g: Group): string {
  const f = g.failure;
  const first = clip(f.message.split('\n')[0] ?? '');
  const at = location(f);
  return `- ${f.test}${times(g)}: ${f.kind}${first ? `: ${first}` : ''}${at ? ` (at ${at})` : ''}`;
}

function renderFull(g: Group, source: (file: string) => string[] | null, context: number): string {
  const f = g.failure;
  const lines: string[] = [`✗ ${f.test}${times(g)}`];
  if (g.count > 1 && g.tests.length > 1)
    lines.push(`  also: ${g.tests.slice(1).join(', ')}${g.count > g.tests.length ? ', …' : ''}`);
  const message = f.message.split('\n');
  lines.push(`  ${f.kind}${message[0] ? `: ${clip(message[0])}` : ''}`);
  const more = message.slice(1, MAX_MESSAGE_LINES);
  for (const m of more) lines.push(`    ${clip(m)}`);
  if (message.length > MAX_MESSAGE_LINES)
    lines.push(`    … ${message.length - MAX_MESSAGE_LINES} more lines`);
  if (f.expected !== undefined || f.actual !== undefined) {
    lines.push(`  expected: ${clip(f.expected ?? '?')}`, `  actual:   ${clip(f.actual ?? '?')}`);
  }
  const at = location(f);
  if (at) lines.push(`  at ${at}`);
  if (f.file && f.line !== undefined) {
    const text = source(f.file);
    if (text && f.line >= 1 && f.line <= text.length) {
      const from = Math.max(1, f.line - context);
      const to = Math.min(text.length, f.line + context);
      const width = String(to).length;
      for (let n = from; n <= to; n++) {
        lines.push(`  ${n === f.line ? '>' : ' '} ${String(n).padStart(width)} | ${clip(text[n - 1]!)}`);
      }
    }
  }
  if (f.locals) {
    for (const [name, value] of Object.entries(f.locals).slice(0, 8))
      lines.push(`  local ${name} = ${clip(value)}`);
  }
  const outer = f.frames.filter((fr) => fr.inProject).slice(1, 5);
  if (outer.length) lines.push(`  called from ${outer.map((fr) => `${fr.file}:${fr.line}`).join(' ← ')}`);
  return lines.join('\n');
}

/** Identifies a set of failures across runs: tests, kinds and locations only (no timings, no messages). */
export function failureSignature(report: TestReport): string {
  const rows = report.failures.map((f) => `${f.test}\u0000${f.kind}\u0000${location(f)}`).sort();
  return createHash('sha256')
    .update(`${report.runner}\n${report.failed}\n${rows.join('\n')}`)
    .digest('hex')
    .slice(0, 16);
}
