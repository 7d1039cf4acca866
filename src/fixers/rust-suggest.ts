import type { Fixer, FixerContext, FixProposal } from './types.js';

/** One span of a rustc suggestion: replace bytes [start, end) of `file` with `replacement`. */
interface Suggestion {
  file: string;
  start: number;
  end: number;
  replacement: string;
  /** The help text: "consider importing this struct". */
  help: string;
  /** The error it answers: "failed to resolve: use of undeclared type `HashMap`". */
  error: string;
  applicability: string;
}

interface Span {
  file_name: string;
  byte_start: number;
  byte_end: number;
  suggested_replacement?: string | null;
  suggestion_applicability?: string | null;
}

interface Diagnostic {
  message: string;
  level: string;
  spans: Span[];
  children: Diagnostic[];
}

const RUST_ERROR = /error(\[E\d+\])?: |could not compile/;

/** Suggestions rustc marks machine-applicable, and its import candidates (`help: consider importing …`). */
export function rustSuggestions(jsonLines: string): Suggestion[][] {
  const out: Suggestion[][] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.startsWith('{') || !line.includes('"compiler-message"')) continue;
    let message: Diagnostic;
    try {
      message = (JSON.parse(line) as { message: Diagnostic }).message;
    } catch {
      continue;
    }
    if (message?.level !== 'error') continue;
    for (const child of message.children ?? []) {
      const importing = /^consider importing/.test(child.message);
      const group = (child.spans ?? [])
        .filter(
          (s) =>
            typeof s.suggested_replacement === 'string' &&
            (importing || s.suggestion_applicability === 'MachineApplicable') &&
            !s.file_name.startsWith('/'),
        )
        .map((s) => ({
          file: s.file_name,
          start: s.byte_start,
          end: s.byte_end,
          replacement: s.suggested_replacement!,
          help: child.message,
          error: message.message,
          applicability: s.suggestion_applicability ?? 'Unspecified',
        }));
      // several spans at one place are alternatives (one of these items); elsewhere they belong together
      if (group.length > 0) out.push(group);
    }
  }
  return out;
}

export function applyBytes(source: string, start: number, end: number, replacement: string): string {
  const bytes = Buffer.from(source, 'utf8');
  return Buffer.concat([
    bytes.subarray(0, start),
    Buffer.from(replacement, 'utf8'),
    bytes.subarray(end),
  ]).toString('utf8');
}

/** Runs the compiler once more with JSON diagnostics (offline, tests not run) to read its suggestions. */
async function diagnostics(context: FixerContext): Promise<string> {
  const result = await context.sandbox.exec(
    'cargo test --no-run --offline --message-format=json --quiet 2>/dev/null',
    { timeoutMs: 300_000, maxOutputBytes: 8 * 1024 * 1024, signal: context.signal },
  );
  return result.stdout;
}

/** Rust: rustc's own fixes (`help: consider importing this struct: use std::collections::HashMap;`). */
export const rustSuggestionFixer: Fixer = {
  name: 'rust-suggestion',
  async propose(context) {
    if (
      !RUST_ERROR.test(context.output) ||
      !(await context.workspace.exists('Cargo.toml').catch(() => false))
    )
      return [];
    const proposals: FixProposal[] = [];
    const ws = context.workspace;
    for (const group of rustSuggestions(await diagnostics(context))) {
      const alternatives = group.every((s) => s.start === group[0]!.start && s.file === group[0]!.file);
      const choices = alternatives ? group.slice(0, 2).map((s) => [s]) : [group];
      for (const edits of choices) {
        const text = edits.map((e) => e.replacement.trim()).join(' ');
        const key = `rust:${edits.map((e) => `${e.file}:${e.start}:${e.replacement}`).join('|')}`;
        if (proposals.some((p) => p.key === key)) continue;
        const files = [...new Set(edits.map((e) => e.file))];
        proposals.push({
          fixer: 'rust-suggestion',
          description: `apply rustc's suggestion \`${text}\` to ${files.join(', ')} (${edits[0]!.error}; ${edits[0]!.help})`,
          key,
          resolves: edits[0]!.error,
          apply: async () => {
            for (const file of files) {
              let source = await ws.read(file);
              // from the end, so earlier byte offsets stay valid
              for (const e of edits.filter((x) => x.file === file).sort((a, b) => b.start - a.start))
                source = applyBytes(source, e.start, e.end, e.replacement);
              await ws.write(file, source);
            }
            return files;
          },
        });
      }
    }
    return proposals;
  },
};
