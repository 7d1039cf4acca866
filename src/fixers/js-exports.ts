/** What a JavaScript/TypeScript module exports, read from its text (every CommonJS and ESM form). */
export interface ModuleExports {
  /** Names importable as `{ name }` (ESM named exports, `exports.name =`, `module.exports = { name }`). */
  named: Set<string>;
  /** The name the default export is declared under (`export default function f`, `module.exports = f`). */
  defaultName?: string;
  /** `export { a } from './x.js'` and `export * from './x.js'`: specifiers with the names they pass on (`*`: all). */
  reexports: Array<{ specifier: string; names: string[] | '*' }>;
  /** CommonJS (`module.exports`/`exports.`) rather than ESM. */
  commonjs: boolean;
  /** `export { local as exported }` without `from`: the module's own binding each exported name stands for. */
  locals: Map<string, string>;
}

function names(list: string): Array<{ local: string; exported: string }> {
  return list
    .split(',')
    .map((part) => part.trim().replace(/^type\s+/, ''))
    .filter(Boolean)
    .map((part) => {
      const [local, exported] = part.split(/\s+as\s+/).map((s) => s.trim());
      return { local: local!, exported: exported ?? local! };
    });
}

export function moduleExports(source: string): ModuleExports {
  const out: ModuleExports = { named: new Set(), reexports: [], commonjs: false, locals: new Map() };
  const decl =
    /^export\s+(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|abstract\s+class|interface|type|enum|namespace)\s+(\w+)/gm;
  for (const m of source.matchAll(decl)) out.named.add(m[1]!);
  for (const m of source.matchAll(/^export\s+(?:const|let|var)\s+\{([^}]*)\}\s*=/gm))
    for (const n of names(m[1]!)) out.named.add(n.local.split(':').pop()!.trim());
  for (const m of source.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}\s*(?:from\s+['"]([^'"]+)['"])?/gm)) {
    const list = names(m[1]!);
    for (const n of list) {
      if (n.exported === 'default') out.defaultName ??= n.local;
      else out.named.add(n.exported);
      if (!m[2]) out.locals.set(n.exported, n.local);
    }
    if (m[2]) out.reexports.push({ specifier: m[2], names: list.map((n) => n.local) });
  }
  for (const m of source.matchAll(/^export\s+\*\s+(?:as\s+(\w+)\s+)?from\s+['"]([^'"]+)['"]/gm)) {
    if (m[1]) out.named.add(m[1]);
    else out.reexports.push({ specifier: m[2]!, names: '*' });
  }
  const esmDefault = /^export\s+default\s+(?:async\s+)?(?:function\*?|class)\s+(\w+)/m.exec(source);
  const esmDefaultId = /^export\s+default\s+(\w+)\s*;?\s*$/m.exec(source);
  if (esmDefault) out.defaultName = esmDefault[1];
  else if (esmDefaultId && !/^(async|function|class)$/.test(esmDefaultId[1]!))
    out.defaultName = esmDefaultId[1];
  // CommonJS
  const cjsDefault =
    /^module\.exports\s*=\s*(?:async\s+)?(?:function\*?|class)\s+(\w+)/m.exec(source) ??
    /^module\.exports\s*=\s*(\w+)\s*;?\s*$/m.exec(source);
  if (cjsDefault) {
    out.commonjs = true;
    out.defaultName ??= cjsDefault[1];
  }
  for (const m of source.matchAll(/^(?:module\.)?exports\.(\w+)\s*=/gm)) {
    out.commonjs = true;
    out.named.add(m[1]!);
  }
  for (const m of source.matchAll(/^module\.exports\s*=\s*\{([^}]*)\}/gm)) {
    out.commonjs = true;
    for (const part of m[1]!.split(',')) {
      const key = /^\s*(?:async\s+)?(\w+)\s*(?:[:(,]|$)/.exec(part);
      if (key) out.named.add(key[1]!);
    }
  }
  return out;
}
