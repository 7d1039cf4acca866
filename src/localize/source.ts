/**
 * What a line of source is, judged lexically per language: whether it is an executable statement (never a comment,
 * a blank line or a lone bracket), whether it is test code, and the functions a line calls. Pure: no I/O.
 */

export type Language = 'python' | 'js' | 'go' | 'rust' | 'other';

export function languageOf(file: string): Language {
  if (/\.py$/.test(file)) return 'python';
  if (/\.[cm]?[jt]sx?$/.test(file)) return 'js';
  if (/\.go$/.test(file)) return 'go';
  if (/\.rs$/.test(file)) return 'rust';
  return 'other';
}

const RUST_CHAR = /^'(?:\\(?:u\{[0-9a-fA-F]{1,6}\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'/;

/** The code of each line with comments and string contents blanked (so `//` in a string is not a comment). */
export function codeLines(source: string, language: Language): string[] {
  const out: string[] = [];
  let line = '';
  let block = false; // inside /* */ (or a Python triple-quoted string)
  let quote: string | null = null;
  const hash = language === 'python';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\n') {
      out.push(line);
      line = '';
      if (quote && quote.length === 1 && quote !== '`') quote = null; // unterminated single-line string
      continue;
    }
    if (block) {
      if (hash ? source.startsWith('"""', i) || source.startsWith("'''", i) : c === '*' && next === '/') {
        block = false;
        i += hash ? 2 : 1;
        line += ' ';
      }
      continue;
    }
    if (quote) {
      if (c === '\\') i++;
      else if (source.startsWith(quote, i)) {
        line += quote === '`' ? '`' : "'";
        i += quote.length - 1;
        quote = null;
      }
      continue;
    }
    if (hash && (source.startsWith('"""', i) || source.startsWith("'''", i))) {
      // A docstring or a multi-line string: its lines are not statements of their own.
      block = true;
      i += 2;
      continue;
    }
    if (hash && c === '#') {
      const end = source.indexOf('\n', i);
      i = (end === -1 ? source.length : end) - 1;
      continue;
    }
    if (!hash && c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = (end === -1 ? source.length : end) - 1;
      continue;
    }
    if (!hash && c === '/' && next === '*') {
      block = true;
      i++;
      continue;
    }
    // In Rust a quote opens a char literal only when one closes it right after ('a', '\n', '\u{1F600}'); else it
    // is a lifetime (`&'a str`, `Options<'_>`) and stays code.
    if (c === "'" && language === 'rust' && !RUST_CHAR.test(source.slice(i, i + 12))) {
      line += c;
      continue;
    }
    if (c === '"' || c === "'" || (c === '`' && language !== 'rust')) {
      quote = c;
      line += "'";
      continue;
    }
    line += c;
  }
  out.push(line);
  return out;
}

const DIRECTIVE = /^\s*['"]use strict['"];?\s*$/;

/** 1-based numbers of the lines that hold an executable statement. */
export function executableLines(source: string, language: Language): Set<number> {
  const lines = codeLines(source, language);
  const raw = source.split('\n');
  const out = new Set<number>();
  lines.forEach((code, i) => {
    const text = code.trim();
    if (!text || !/[\w$'"`]/.test(text)) return; // blank, comment, `}`, `});`, `)`, `]`
    if (language === 'js' && DIRECTIVE.test(raw[i] ?? '')) return;
    if (language === 'python' && /^(?:@|else:|try:|finally:)/.test(text)) return;
    if (/^(?:import|package)\b/.test(text) && language !== 'python') return;
    if (language === 'python' && /^(?:import|from)\s/.test(text)) return;
    if (/^\}?\s*else\s*\{?$/.test(text)) return;
    out.add(i + 1);
  });
  return out;
}

/**
 * Lines that are test code though the file is not a test file: Rust's `#[cfg(test)] mod tests { … }` (from that
 * attribute to the end of its module) and Python/JS helpers are left to the file-level rule.
 */
export function testCodeLines(source: string, language: Language): Set<number> {
  const out = new Set<number>();
  if (language !== 'rust') return out;
  const lines = codeLines(source, language);
  for (let i = 0; i < lines.length; i++) {
    if (!/#\[cfg\(test\)\]/.test(source.split('\n')[i] ?? '')) continue;
    let depth = 0;
    let opened = false;
    for (let j = i; j < lines.length; j++) {
      out.add(j + 1);
      for (const ch of lines[j]!) {
        if (ch === '{') {
          depth++;
          opened = true;
        } else if (ch === '}') depth--;
      }
      if (opened && depth <= 0) {
        i = j;
        break;
      }
    }
  }
  return out;
}

const NOT_CALLEES = new Set([
  'if',
  'for',
  'while',
  'switch',
  'return',
  'function',
  'catch',
  'typeof',
  'assert',
  'assert_eq',
  'assert_ne',
  'expect',
  'toBe',
  'toEqual',
  'toStrictEqual',
  'strictEqual',
  'deepStrictEqual',
  'equal',
  'deepEqual',
  'ok',
  'assertEqual',
  'assertTrue',
  'assertFalse',
  'assertAlmostEqual',
  'assertRaises',
  'assertIn',
  'assertIsNone',
  'Errorf',
  'Fatalf',
  'Error',
  'Fatal',
  't',
  'len',
  'str',
  'int',
  'float',
  'list',
  'dict',
  'set',
  'print',
  'Some',
  'Ok',
  'Err',
  'vec',
  'format',
  'panic',
  'it',
  'test',
  'describe',
  'require',
  'Equal',
  'DeepEqual',
  'approx',
  'self',
  'new',
  'toFixed',
  'map',
  'filter',
  'push',
  'toBeCloseTo',
  'include',
  'to',
  'be',
  'eql',
  'deep',
]);

/** Names of functions a line calls (`f(`, `obj.f(`, `mod::f(`), without the assertion helpers' own names. */
export function calledNames(line: string): string[] {
  const names = new Set<string>();
  for (const m of line.matchAll(/([A-Za-z_$][\w$]*)\s*(?:!\s*)?\(/g)) {
    if (!NOT_CALLEES.has(m[1]!) && !/^(?:assert|expect|should)/i.test(m[1]!)) names.add(m[1]!);
  }
  return [...names];
}

/** The 1-based line range of each named function defined in a file (by definition syntax and indentation/braces). */
export function functionRanges(source: string, language: Language, names: string[]): Array<[number, number]> {
  if (names.length === 0) return [];
  const alt = names.map((n) => n.replace(/[$]/g, '\\$')).join('|');
  const def = {
    python: new RegExp(`^(\\s*)(?:async\\s+)?def\\s+(?:${alt})\\s*\\(`),
    js: new RegExp(
      `^(\\s*)(?:export\\s+)?(?:(?:async\\s+)?function\\s*\\*?\\s*(?:${alt})\\s*\\(|(?:const|let|var)\\s+(?:${alt})\\s*=|(?:(?:static|async|get|set|public|private|protected|readonly|override)\\s+)*(?:${alt})\\s*(?:<[^>(]*>)?\\([^)]*\\)\\s*(?::[^{=;]+)?\\{|(?:exports|module\\.exports)\\.(?:${alt})\\s*=|(?:${alt})\\s*:\\s*(?:async\\s*)?(?:function|\\())`,
    ),
    go: new RegExp(`^(\\s*)func\\s+(?:\\([^)]*\\)\\s*)?(?:${alt})\\s*[[(]`),
    rust: new RegExp(
      `^(\\s*)(?:pub(?:\\([^)]*\\))?\\s+)?(?:const\\s+)?(?:async\\s+)?fn\\s+(?:${alt})\\s*[<(]`,
    ),
    other: null,
  }[language];
  if (!def) return [];
  const raw = source.split('\n');
  const code = language === 'python' ? raw : codeLines(source, language);
  const out: Array<[number, number]> = [];
  raw.forEach((text, i) => {
    const m = def.exec(text);
    if (!m) return;
    if (language === 'python') {
      const indent = m[1]!.length;
      let end = i;
      for (let j = i + 1; j < raw.length; j++) {
        const t = raw[j]!;
        if (!t.trim()) continue;
        if (t.length - t.trimStart().length <= indent) break;
        end = j;
      }
      out.push([i + 1, end + 1]);
      return;
    }
    let depth = 0;
    let opened = false;
    for (let j = i; j < code.length; j++) {
      for (const ch of code[j]!) {
        if (ch === '{') {
          depth++;
          opened = true;
        } else if (ch === '}') depth--;
      }
      if ((opened && depth <= 0) || (!opened && j > i && /;\s*$/.test(code[j]!))) {
        out.push([i + 1, j + 1]);
        return;
      }
      if (!opened && j === i && /=>[^{]*$/.test(code[j]!) && /;\s*$/.test(code[j]!)) {
        out.push([i + 1, i + 1]);
        return;
      }
    }
  });
  return out;
}

/** Rust `impl Trait for Type` blocks: each type's method names defined in them. */
export function traitImpls(source: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const code = codeLines(source, 'rust');
  let type: string | null = null;
  let depth = 0;
  for (const line of code) {
    const impl = /^\s*impl\b.*\bfor\s+(?:&(?:'\w+\s+)?)?(?:[\w:]+::)?([A-Z]\w*)/.exec(line);
    if (impl && type === null) {
      type = impl[1]!;
      depth = 0;
    }
    if (type !== null) {
      const fn = /\bfn\s+(\w+)/.exec(line);
      if (fn && depth === 1) out.set(type, [...(out.get(type) ?? []), fn[1]!]);
      for (const ch of line) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      if (depth <= 0 && line.includes('}')) type = null;
    }
  }
  return out;
}

/** A prior for breaking ties among equally covered statements: computations and decisions hold most logic bugs. */
export function statementWeight(code: string): number {
  const text = code.trim().replace(/=>|->|::/g, ' ');
  // An initialiser (`let sum = 0;`, `out = []`) rarely holds the fault.
  if (
    /^(?:(?:let|const|var|mut)\s+)*[\w$.]+(?:\s*:\s*[\w<>]+)?\s*:?=\s*(?:0|1|''|\[\]|\{\}|String::new\(\)|None|null|nil)?\s*;?$/.test(
      text,
    )
  )
    return 0.3;
  if (
    /(?:[<>]=?|[!=]==?|&&|\|\||[-+*/%]|\?[^:]*:)/.test(text) ||
    /(?<![\w.])(?:[2-9]|\d{2,}|\d*\.\d+)/.test(text)
  )
    return 1;
  if (/^(?:return|yield)\b/.test(text)) return 0.8;
  if (/^(?:if|elif|while|for|switch|case|match)\b/.test(text)) return 0.8;
  if (/^(?:export\s+)?(?:pub\s+)?(?:async\s+)?(?:def|function|func|fn|class)\b/.test(text)) return 0.2;
  return 0.5;
}
