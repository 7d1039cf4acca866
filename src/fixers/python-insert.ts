/**
 * Adds an import to a Python file the way its author would: after the prologue (shebang, encoding line, license
 * header comments, module docstring, `from __future__` imports), merged into an existing `from m import …` of the
 * same module, or placed in the import block's group of the same kind (standard library, third party, local)
 * in alphabetical order when that group is sorted, at its end otherwise.
 */

interface ImportLine {
  start: number;
  end: number;
  module: string;
  from: boolean;
}

function prologueEnd(lines: string[]): number {
  let i = 0;
  if (lines[0]?.startsWith('#!')) i++;
  if (/^#.*coding[:=]/.test(lines[i] ?? '')) i++;
  while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.startsWith('#'))) i++;
  const doc = /^[rRuUbB]?("""|''')/.exec(lines[i] ?? '');
  if (doc) {
    const quote = doc[1]!;
    const rest = lines[i]!.slice(lines[i]!.indexOf(quote) + 3);
    i++;
    if (!rest.includes(quote)) {
      while (i < lines.length && !lines[i]!.includes(quote)) i++;
      i++;
    }
  }
  return i;
}

/** The top-level imports of the file's first import block (stops at the first statement that is not one). */
function importBlock(lines: string[], from: number): ImportLine[] {
  const block: ImportLine[] = [];
  for (let k = from; k < lines.length; k++) {
    const line = lines[k]!;
    const m = /^(?:from\s+([\w.]+)\s+import\b|import\s+([\w.]+))/.exec(line);
    if (m) {
      let end = k;
      if (/\(\s*(#.*)?$/.test(line) || (line.includes('(') && !line.includes(')')))
        while (end < lines.length - 1 && !lines[end]!.includes(')')) end++;
      while (lines[end]!.endsWith('\\') && end < lines.length - 1) end++;
      block.push({ start: k, end, module: m[1] ?? m[2]!, from: !!m[1] });
      k = end;
    } else if (line.trim() !== '' && !line.startsWith('#')) break;
  }
  return block;
}

export type ImportKind = 'future' | 'stdlib' | 'third' | 'local';

/** Whether the statement's module is the standard library, the repository's own or a third party. */
export type Classify = (module: string) => ImportKind;

const defaultClassify: Classify = (module) =>
  module === '__future__' ? 'future' : module.startsWith('.') ? 'local' : 'third';

function parseStatement(statement: string): { module: string; from: boolean; names: string[] } | undefined {
  const m = /^from\s+([\w.]+)\s+import\s+(.+)$/.exec(statement);
  if (m) return { module: m[1]!, from: true, names: m[2]!.split(',').map((n) => n.trim()) };
  const i = /^import\s+([\w.]+)(?:\s+as\s+\w+)?$/.exec(statement);
  return i ? { module: i[1]!, from: false, names: [] } : undefined;
}

/** isort's default order of imported names: CONSTANTS, then Classes, then functions, each alphabetical. */
function compareNames(a: string, b: string): number {
  const type = (n: string): number => (/^[A-Z0-9_]+$/.test(n) && n.length > 1 ? 0 : /^[A-Z]/.test(n) ? 1 : 2);
  return type(a) - type(b) || a.toLowerCase().localeCompare(b.toLowerCase());
}

function sortKey(line: ImportLine): string {
  return `${line.from ? 1 : 0}${line.module.toLowerCase()}`;
}

export function insertPythonImport(
  source: string,
  statement: string,
  classify: Classify = defaultClassify,
): string {
  const lines = source.split('\n');
  const start = prologueEnd(lines);
  const block = importBlock(lines, start);
  const parsed = parseStatement(statement);
  // Merge into `from m import a, b` on one line (not a star import, not a parenthesised one: those we extend too).
  if (parsed?.from) {
    const same = block.find(
      (b) => b.from && b.module === parsed.module && !/import\s+\*/.test(lines[b.start]!),
    );
    if (same) {
      if (same.start === same.end) {
        const line = lines[same.start]!;
        const m = /^(from\s+[\w.]+\s+import\s+)([^#]*?)(\s*#.*)?$/.exec(line);
        if (m && !m[2]!.includes('(')) {
          const names = [...m[2]!.split(',').map((n) => n.trim()), ...parsed.names].filter(Boolean);
          const sorted = m[2]!
            .split(',')
            .map((n) => n.trim())
            .every((n, i, a) => i === 0 || compareNames(a[i - 1]!, n) <= 0);
          lines[same.start] =
            `${m[1]}${(sorted ? [...names].sort(compareNames) : names).join(', ')}${m[3] ?? ''}`;
          return lines.join('\n');
        }
      } else {
        // parenthesised: add a line before the closing parenthesis in the same indentation
        const indent = /^(\s+)/.exec(lines[same.start + 1] ?? '')?.[1] ?? '    ';
        const close = lines[same.end]!;
        if (close.trim() === ')') {
          lines.splice(same.end, 0, `${indent}${parsed.names.join(', ')},`);
          return lines.join('\n');
        }
      }
    }
  }
  if (block.length === 0) {
    // No import yet: after the prologue, one blank line from it, and PEP 8's two before a def/class that follows.
    let at = start;
    const inserted = [statement];
    if (start > 0) {
      if ((lines[start] ?? '').trim() === '') at = start + 1;
      else inserted.unshift('');
    }
    let blanks = 0;
    while ((lines[at + blanks] ?? '').trim() === '' && at + blanks < lines.length) blanks++;
    const next = lines[at + blanks];
    if (next !== undefined) {
      const want = /^(def|class|async\s+def|@)/.test(next) ? 2 : 1;
      for (let n = blanks; n < want; n++) inserted.push('');
    } else if (at >= lines.length) inserted.push('');
    lines.splice(at, 0, ...inserted);
    return lines.join('\n');
  }
  const kind = parsed ? classify(parsed.module) : 'third';
  const mine: ImportLine = { start: -1, end: -1, module: parsed?.module ?? '', from: parsed?.from ?? false };
  // groups: runs of import lines separated by blank lines
  const groups: ImportLine[][] = [];
  block.forEach((line, i) => {
    const prev = block[i - 1];
    if (!prev || lines.slice(prev.end + 1, line.start).some((l) => l.trim() === '')) groups.push([line]);
    else groups[groups.length - 1]!.push(line);
  });
  const order: ImportKind[] = ['future', 'stdlib', 'third', 'local'];
  const groupKind = (g: ImportLine[]): ImportKind => classify(g[0]!.module);
  const target = groups.find((g) => groupKind(g) === kind);
  if (target) {
    const sorted = target.every((l, i) => i === 0 || sortKey(target[i - 1]!) <= sortKey(l));
    const before = sorted ? target.find((l) => sortKey(l) > sortKey(mine)) : undefined;
    if (before) lines.splice(before.start, 0, statement);
    else lines.splice(target[target.length - 1]!.end + 1, 0, statement);
    return lines.join('\n');
  }
  // a new group: before the first group of a later kind, else after the last group
  const later = groups.find((g) => order.indexOf(groupKind(g)) > order.indexOf(kind));
  if (later && groupKind(later) !== 'future') lines.splice(later[0]!.start, 0, statement, '');
  else lines.splice(groups[groups.length - 1]!.slice(-1)[0]!.end + 1, 0, '', statement);
  return lines.join('\n');
}
