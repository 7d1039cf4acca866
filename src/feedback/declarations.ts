/**
 * Where the runner prints no line (a mocha/jest/node:test timeout, pytest `--tb=no`, a Go test that timed out),
 * the test's declaration in its file is the place to look: `it('name'`, `test('name'`, `def test_name(`,
 * `func TestName(`, `it 'name' do`, `void name(`, `public function testName(`. Reading goes through the
 * caller's function, so parsing itself stays pure.
 */
import type { SourceReader } from './parse.js';
import type { Failure, TestReport } from './types.js';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The 1-based line declaring the test named `title` (its last segment) in `source`, or undefined. */
export function declarationLine(source: string, test: string): number | undefined {
  const leaf = lastSegment(test);
  if (!leaf) return undefined;
  // Mocha and RSpec join the suite and test titles with spaces: the test's own title is a word suffix.
  const words = leaf.split(' ');
  for (let i = 0; i < words.length; i++) {
    const line = declarationOf(source, words.slice(i).join(' '));
    if (line !== undefined) return line;
  }
  return undefined;
}

function declarationOf(source: string, leaf: string): number | undefined {
  const quoted = `['"\`]${escape(leaf)}['"\`]`;
  const patterns = [
    new RegExp(`\\b(?:it|test|specify|scenario)(?:\\.\\w+)*\\s*\\(\\s*${quoted}`),
    new RegExp(`\\b(?:it|test|specify|example|scenario)\\s*\\(?\\s*${quoted}`),
    new RegExp(`^\\s*(?:async\\s+)?def\\s+${escape(leaf)}\\s*\\(`),
    new RegExp(`^func\\s+${escape(leaf)}\\s*\\(`),
    new RegExp(`\\bfunction\\s+${escape(leaf)}\\s*\\(`),
    new RegExp(`\\b(?:void|fun|def)\\s+\`?${escape(leaf)}\`?\\s*\\(`),
  ];
  const lines = source.split('\n');
  for (const re of patterns) {
    const i = lines.findIndex((l) => re.test(l));
    if (i >= 0) return i + 1;
  }
  return undefined;
}

/** `suite › case`, `a > b`, `file::Class::test`, `Class.method`, `TestX/sub` → the test's own name. */
function lastSegment(test: string): string {
  let t = test.replace(/\[.*\]$/, '').replace(/\(.*\)$/, '');
  for (const sep of [' › ', ' > ', '::']) if (t.includes(sep)) t = t.slice(t.lastIndexOf(sep) + sep.length);
  if (/^[\w$.]+\.\w+$/.test(t) && !/\s/.test(t)) t = t.slice(t.lastIndexOf('.') + 1);
  if (/^Test\w*\//.test(t)) t = t.slice(0, t.indexOf('/'));
  return t.trim();
}

/** Adds the declaration line to each failure that has a file and no line; the report is otherwise unchanged. */
export function withDeclarations(report: TestReport, read: SourceReader): TestReport {
  const cache = new Map<string, string | null>();
  const failures = report.failures.map((f): Failure => {
    if (!f.file || f.line !== undefined) return f;
    if (!cache.has(f.file)) cache.set(f.file, safeRead(read, f.file));
    const source = cache.get(f.file);
    const line = source ? declarationLine(source, f.test) : undefined;
    if (line === undefined) return f;
    const { test, file, kind, ...rest } = f;
    return { test, file, line, kind, ...rest };
  });
  return { ...report, failures };
}

/** The file's text, or null when the reader cannot give it. */
export function safeRead(read: SourceReader, path: string): string | null {
  try {
    return read(path);
  } catch {
    return null;
  }
}
