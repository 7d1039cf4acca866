import { workspacePath, type FixerContext } from './types.js';

export interface PyError {
  kind: 'NameError' | 'ModuleNotFoundError' | 'ImportError';
  name: string;
  /** ImportError: the module the name was imported from. */
  from?: string;
  file?: string;
}

const PATTERNS: Array<[PyError['kind'], RegExp]> = [
  ['NameError', /NameError: name '(\w+)' is not defined/],
  ['NameError', /NameError\("name '(\w+)' is not defined/],
  ['ModuleNotFoundError', /ModuleNotFoundError: No module named '([\w.]+)'/],
  ['ImportError', /ImportError: cannot import name '(\w+)' from '([\w.]+)'/],
];

/** flake8 / pyflakes / ruff: `pkg/mod.py:3:5: F821 undefined name 'x'` (ruff: "Undefined name `x`"). */
const UNDEFINED_NAME = /^([\w./-]+\.py):\d+:(?:\d+:)?\s+(?:F821\s+)?[Uu]ndefined name [`'](\w+)[`']/gm;

/** The errors a missing import explains: parsed failures, linter findings, and the raw traceback as a fallback. */
export function findPythonErrors(context: FixerContext): PyError[] {
  const workdir = context.sandbox.workdir;
  const errors: PyError[] = [];
  for (const failure of context.report.failures) {
    const text = `${failure.kind}: ${failure.message}`;
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(text);
      if (m) errors.push({ kind, name: m[1]!, from: m[2], file: workspacePath(failure.file, workdir) });
    }
  }
  for (const m of context.output.matchAll(UNDEFINED_NAME)) {
    errors.push({ kind: 'NameError', name: m[2]!, file: workspacePath(m[1], workdir) });
  }
  // The raw output, for what the parser did not attribute to a file: a Python traceback names the innermost frame
  // last (`File "x.py", line N` before the error; doctests too); pytest prints `x.py:N: NameError` after it.
  const lines = context.output.split('\n');
  let lastFile: string | undefined;
  lines.forEach((line, i) => {
    const frame = /File "([^"]+\.py)", line \d+/.exec(line);
    if (frame) lastFile = workspacePath(frame[1], workdir);
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(line);
      if (!m) continue;
      const after = lines
        .slice(i + 1, i + 30)
        .map((l) => new RegExp(`^([\\w./-]+\\.py):\\d+: ${kind}`).exec(l))
        .find(Boolean);
      const file = after ? workspacePath(after[1], workdir) : lastFile;
      errors.push({ kind, name: m[1]!, from: m[2], file });
    }
  });
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.kind}:${e.name}:${e.from ?? ''}:${e.file ?? ''}`;
    const sameWithoutFile = `${e.kind}:${e.name}:${e.from ?? ''}:`;
    if (seen.has(key) || (e.file && !e.file.endsWith('.py'))) return false;
    if (!e.file && [...seen].some((k) => k.startsWith(sameWithoutFile))) return false;
    seen.add(key);
    return true;
  });
}
