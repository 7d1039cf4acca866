/**
 * Where and how an import goes into a JavaScript/TypeScript file: after the prologue (shebang, license header
 * comments, directives such as 'use strict' and "use client", which must stay the first statements), after the
 * existing import/require block, in the file's own module style, quotes and semicolons.
 */

export interface JsStyle {
  esm: boolean;
  quote: "'" | '"';
  semicolon: boolean;
}

/** The module system, quote and semicolon habits of a file (ESM when it imports/exports or is .mjs/.mts/.ts). */
export function styleOf(path: string, source: string, packageType?: string): JsStyle {
  const esmSyntax = /^\s*(import\s[^(]|import\{|export\s)/m.test(source);
  const cjsSyntax = /\brequire\s*\(|^\s*module\.exports\b|^\s*exports\.\w+\s*=/m.test(source);
  const esm = /\.(mjs|mts)$/.test(path)
    ? true
    : /\.(cjs|cts)$/.test(path)
      ? false
      : esmSyntax || (!cjsSyntax && (/\.tsx?$/.test(path) || packageType === 'module'));
  const specifiers = [...source.matchAll(/(?:from\s+|require\(\s*|import\s+)(['"])[^'"\n]+\1/g)].map(
    (m) => m[1]!,
  );
  const strings =
    specifiers.length > 0 ? specifiers : [...source.matchAll(/(['"])[^'"\n]*\1/g)].map((m) => m[1]!);
  const doubles = strings.filter((q) => q === '"').length;
  const quote = doubles > strings.length / 2 ? '"' : "'";
  const statements = source
    .split('\n')
    .filter((l) => /^(import|export|const|let|var|return)\s/.test(l.trim()));
  const withSemi = statements.filter((l) => /;\s*(\/\/.*)?$/.test(l)).length;
  const semicolon = statements.length === 0 || withSemi >= statements.length / 2;
  return { esm, quote, semicolon };
}

export function importStatement(
  style: JsStyle,
  binding: { name: string; kind: 'named' | 'default' | 'namespace' },
  specifier: string,
): string {
  const q = style.quote;
  const end = style.semicolon ? ';' : '';
  const spec = `${q}${specifier}${q}`;
  if (style.esm) {
    if (binding.kind === 'named') return `import { ${binding.name} } from ${spec}${end}`;
    if (binding.kind === 'namespace') return `import * as ${binding.name} from ${spec}${end}`;
    return `import ${binding.name} from ${spec}${end}`;
  }
  return binding.kind === 'named'
    ? `const { ${binding.name} } = require(${spec})${end}`
    : `const ${binding.name} = require(${spec})${end}`;
}

const DIRECTIVE = /^\s*(['"])use [\w ]+\1\s*;?\s*(\/\/.*)?$/;
const IMPORT_START = /^(import\s|import\{|(const|let|var)\s[^=]*=\s*require\(|require\()/;

/**
 * Index of the line after the prologue: the shebang, the directives ('use strict', "use client") and the leading
 * comments (license header), but not a comment attached to the code right below it (no blank line between).
 */
export function prologueEnd(lines: string[]): number {
  let end = 0;
  let i = 0;
  if (lines[0]?.startsWith('#!')) end = i = 1;
  while (i < lines.length) {
    const line = lines[i]!.trim();
    if (line === '') {
      i++;
      continue;
    }
    if (DIRECTIVE.test(line)) {
      end = i = i + 1;
      continue;
    }
    if (line.startsWith('//') || line.startsWith('/*')) {
      let last = i;
      if (line.startsWith('/*') && !line.includes('*/', 2))
        while (last < lines.length - 1 && !lines[last]!.includes('*/')) last++;
      else while (lines[last + 1]?.trim().startsWith('//')) last++;
      const next = lines[last + 1];
      if (next === undefined || next.trim() !== '') {
        // attached to what follows: prologue only if what follows is itself prologue or an import
        if (next !== undefined && !DIRECTIVE.test(next.trim()) && !IMPORT_START.test(next)) break;
      }
      end = i = last + 1;
      continue;
    }
    break;
  }
  return end;
}

/**
 * `import { b } from './x.js'` into a file that already has a one-line `import { a } from './x.js'` (or the
 * `const { a } = require('./x')` form): the name joins that import instead of a second one from the same module.
 */
function mergeNamed(source: string, statement: string): string | undefined {
  const esm = /^import \{ (\w+) \} from (['"][^'"]+['"])/.exec(statement);
  const cjs = /^const \{ (\w+) \} = require\((['"][^'"]+['"])\)/.exec(statement);
  const m = esm ?? cjs;
  if (!m) return undefined;
  const spec = m[2]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const existing = esm
    ? new RegExp(`^import \\{([^}\\n]*)\\} from ${spec}`, 'm')
    : new RegExp(`^(?:const|let|var) \\{([^}\\n]*)\\} = require\\(${spec}\\)`, 'm');
  const found = existing.exec(source);
  if (!found) return undefined;
  const names = found[1]!.trim().replace(/,$/, '');
  return source.replace(found[0], found[0].replace(`{${found[1]}}`, `{ ${names}, ${m[1]} }`));
}

export function insertJsImport(source: string, statement: string): string {
  const merged = mergeNamed(source, statement);
  if (merged !== undefined) return merged;
  const lines = source.split('\n');
  const start = prologueEnd(lines);
  let at = -1;
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    if (IMPORT_START.test(line)) {
      let end = i;
      // multi-line `import {\n a,\n} from 'x'` or `const {\n a \n} = require('x')`
      while (
        end < lines.length - 1 &&
        !/(from\s+['"][^'"]+['"]|require\(\s*['"][^'"]+['"]\s*\)|^import\s+['"])/.test(lines[end]!)
      )
        end++;
      at = end + 1;
      i = end;
    } else if (line.trim() !== '' && !/^\s*(\/\/|\/\*|\*)/.test(line)) break;
  }
  if (at !== -1) {
    lines.splice(at, 0, statement);
    return lines.join('\n');
  }
  // No import yet: right after the prologue, with a blank line on each side when there is code around.
  let pos = start;
  while (pos < lines.length && lines[pos]!.trim() === '' && start > 0) pos++;
  const block = [statement];
  if (start > 0 && pos === start && lines[pos - 1]!.trim() !== '') block.unshift('');
  if ((lines[pos] ?? '').trim() !== '') block.push('');
  lines.splice(pos, 0, ...block);
  return lines.join('\n');
}
