import { importForName, PY_MOVED_NAMES, replacementModule } from './python-names.js';
import { workspacePath, type Fixer, type FixerContext, type FixProposal } from './types.js';

interface PyError {
  kind: 'NameError' | 'ModuleNotFoundError' | 'ImportError';
  name: string;
  /** ImportError: the module the name was imported from. */
  from?: string;
  file?: string;
}

const PATTERNS: Array<[PyError['kind'], RegExp]> = [
  ['NameError', /NameError: name '(\w+)' is not defined/],
  ['ModuleNotFoundError', /ModuleNotFoundError: No module named '([\w.]+)'/],
  ['ImportError', /ImportError: cannot import name '(\w+)' from '([\w.]+)'/],
];

/** The errors a missing import explains, from the parsed failures and, as a fallback, the raw traceback. */
function findErrors(context: FixerContext): PyError[] {
  const workdir = context.sandbox.workdir;
  const errors: PyError[] = [];
  for (const failure of context.report.failures) {
    const text = `${failure.kind}: ${failure.message}`;
    for (const [kind, re] of PATTERNS) {
      const m = re.exec(text);
      if (m) errors.push({ kind, name: m[1]!, from: m[2], file: workspacePath(failure.file, workdir) });
    }
  }
  // Fallback on the raw output when the parser found nothing: a Python traceback names the innermost frame last
  // (`File "x.py", line N` before the error); pytest prints `x.py:N: NameError` after it.
  if (errors.length === 0) {
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
  }
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.kind}:${e.name}:${e.from ?? ''}:${e.file ?? ''}`;
    if (seen.has(key) || (e.file && !e.file.endsWith('.py'))) return false;
    seen.add(key);
    return true;
  });
}

/** Inserts an import after the file's top import block (after shebang, docstring and `__future__` imports). */
export function insertPythonImport(source: string, statement: string): string {
  const lines = source.split('\n');
  let i = 0;
  if (lines[0]?.startsWith('#!')) i++;
  if (/^#.*coding[:=]/.test(lines[i] ?? '')) i++;
  while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.startsWith('#'))) i++;
  const doc = /^[rRuU]?("""|''')/.exec(lines[i] ?? '');
  if (doc) {
    const quote = doc[1]!;
    const rest = lines[i]!.slice(lines[i]!.indexOf(quote) + 3);
    if (rest.includes(quote)) i++;
    else {
      i++;
      while (i < lines.length && !lines[i]!.includes(quote)) i++;
      i++;
    }
  }
  let insertAt = doc ? i : 0;
  let blankAfter = true;
  for (let k = i; k < lines.length; k++) {
    const line = lines[k]!;
    if (/^(import|from)\s/.test(line)) {
      insertAt = k + 1;
      blankAfter = false;
      // a parenthesised import spans lines
      if (line.includes('(') && !line.includes(')'))
        while (k < lines.length && !lines[k]!.includes(')')) insertAt = ++k + 1;
    } else if (line.trim() !== '' && !line.startsWith('#')) break;
  }
  const block = blankAfter ? [statement, ''] : [statement];
  if (doc && blankAfter && insertAt > 0) block.unshift('');
  lines.splice(insertAt, 0, ...block);
  return lines.join('\n');
}

async function pythonFiles(context: FixerContext): Promise<string[]> {
  return (await context.workspace.list('.')).filter((f) => f.endsWith('.py'));
}

async function proposeFor(error: PyError, context: FixerContext): Promise<FixProposal | undefined> {
  const ws = context.workspace;
  if (error.kind === 'NameError') {
    if (!error.file) return undefined;
    const source = await ws.readIfExists(error.file);
    if (source === null) return undefined;
    const statement = importForName(error.name, source);
    if (!statement || source.split('\n').some((l) => l.trim() === statement)) return undefined;
    return {
      fixer: 'python-import',
      description: `add \`${statement}\` to ${error.file} (NameError: name '${error.name}' is not defined)`,
      key: `py-name:${error.file}:${statement}`,
      resolves: `name '${error.name}' is not defined`,
      apply: async () => {
        await ws.write(error.file!, insertPythonImport(await ws.read(error.file!), statement));
        return [error.file!];
      },
    };
  }
  const target =
    error.kind === 'ModuleNotFoundError'
      ? replacementModule(error.name)
      : PY_MOVED_NAMES[error.from ?? '']?.[error.name];
  if (!target) return undefined;
  const candidates = error.file ? [error.file] : await pythonFiles(context);
  const module = error.kind === 'ModuleNotFoundError' ? error.name : error.from!;
  const esc = module.replace(/\./g, '\\.');
  const importRe =
    error.kind === 'ImportError'
      ? new RegExp(`^(\\s*)(from)\\s+${esc}(\\s+import\\s+.*)$`, 'm')
      : new RegExp(`^(\\s*)(import|from)\\s+${esc}(?=[\\s.,]|$)(.*)$`, 'm');
  for (const file of candidates) {
    const source = await ws.readIfExists(file);
    if (source === null) continue;
    const m = importRe.exec(source);
    if (!m) continue;
    const [line, indent, keyword, rest] = m as unknown as [string, string, string, string];
    let replacement: string;
    if (error.kind === 'ImportError') {
      const names = rest
        .replace(/^\s*import\s+/, '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      const keep = names.filter((n) => n.split(/\s+as\s+/)[0] !== error.name);
      const moved = names.filter((n) => n.split(/\s+as\s+/)[0] === error.name);
      replacement = [
        ...(keep.length > 0 ? [`${indent}from ${module} import ${keep.join(', ')}`] : []),
        `${indent}from ${target} import ${moved.join(', ')}`,
      ].join('\n');
    } else if (
      keyword === 'import' &&
      /^\s*$/.test(rest) &&
      new RegExp(`\\b${esc}\\.`).test(source.replace(line, ''))
    ) {
      replacement = `${indent}import ${target} as ${module}`;
    } else {
      replacement = `${indent}${keyword} ${target}${rest}`;
    }
    return {
      fixer: 'python-import',
      description: `replace \`${line.trim()}\` with \`${replacement.trim().replace(/\n\s*/g, '; ')}\` in ${file} (${error.kind}: ${error.name})`,
      key: `py-module:${file}:${line.trim()}`,
      resolves:
        error.kind === 'ImportError'
          ? `cannot import name '${error.name}'`
          : `No module named '${error.name}'`,
      apply: async () => {
        const now = await ws.read(file);
        await ws.write(file, now.replace(line, replacement));
        return [file];
      },
    };
  }
  return undefined;
}

/** Python NameError / ImportError / ModuleNotFoundError fixed by adding or correcting an import. */
export const pythonImportFixer: Fixer = {
  name: 'python-import',
  async propose(context) {
    const proposals: FixProposal[] = [];
    for (const error of findErrors(context)) {
      const proposal = await proposeFor(error, context);
      if (proposal && !proposals.some((p) => p.key === proposal.key)) proposals.push(proposal);
    }
    return proposals;
  },
};
