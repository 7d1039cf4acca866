import { workspacePath, type FixerContext } from './types.js';

export const JS_FILE = /\.(?:[cm]?[jt]sx?)$/;

/** A name a file uses without importing it. */
export interface MissingName {
  kind: 'missing';
  name: string;
  file: string;
  /** The error text naming it, which the fix should make disappear. */
  text: string;
}

/** `import { name } from 'specifier'` in `file` where that module has no such export (an ESM link error). */
export interface WrongExport {
  kind: 'wrong-export';
  name: string;
  specifier: string;
  file: string;
  text: string;
}

export type JsProblem = MissingName | WrongExport;

/**
 * `file:///workspace/src/a.js:3` (or a bare path) a few lines above an ESM link error, as TAP `# ` lines too and after
 * a runner's own words (mocha: ` Exception during run: file:///…/a.spec.js:2`).
 */
function locationAbove(lines: string[], i: number, workdir: string): string | undefined {
  for (let k = i - 1; k >= Math.max(0, i - 6); k--) {
    const m = /^(?:#\s*|.*:\s+)?(?:file:\/\/)?(\/?[^\s:]+\.[cm]?[jt]sx?):\d+\s*$/.exec(lines[k]!.trim());
    if (m) return workspacePath(m[1], workdir);
  }
  return undefined;
}

export function findJsProblems(context: FixerContext): JsProblem[] {
  const workdir = context.sandbox.workdir;
  const out: JsProblem[] = [];
  const addMissing = (name: string, file: string | undefined, text: string): void => {
    const rel = workspacePath(file, workdir);
    if (rel && JS_FILE.test(rel) && !out.some((m) => m.name === name && m.file === rel))
      out.push({ kind: 'missing', name, file: rel, text });
  };
  for (const f of context.report.failures) {
    const text = `${f.kind}: ${f.message}`;
    const m = /ReferenceError: (\w+) is not defined/.exec(text) ?? /Cannot find name '(\w+)'/.exec(text);
    if (m) addMissing(m[1]!, f.file, m[0].startsWith('Cannot') ? m[0] : `${m[1]} is not defined`);
  }
  // tsc: src/a.ts(3,5): error TS2304: Cannot find name 'x'.  (TS2552 adds "Did you mean …?")
  for (const m of context.output.matchAll(
    /^([\w./@-]+\.[cm]?[jt]sx?)\(\d+,\d+\): error TS(?:2304|2552): Cannot find name '(\w+)'/gm,
  )) {
    addMissing(m[2]!, m[1], `Cannot find name '${m[2]}'`);
  }
  const lines = context.output.split('\n');
  lines.forEach((line, i) => {
    const ref = /ReferenceError: (\w+) is not defined/.exec(line);
    if (ref) {
      for (const next of lines.slice(i + 1, i + 15)) {
        const frame = /\(?(?:file:\/\/)?([^\s()]+\.[cm]?[jt]sx?):\d+:\d+\)?/.exec(next);
        if (frame && !frame[1]!.includes('node_modules') && !frame[1]!.startsWith('node:')) {
          addMissing(ref[1]!, frame[1], `${ref[1]} is not defined`);
          break;
        }
      }
      return;
    }
    // Node: `SyntaxError: Export 'x' is not defined in module` — the file re-exports a name it never imported.
    const notDefined = /SyntaxError: Export '(\w+)' is not defined in module/.exec(line);
    if (notDefined) {
      addMissing(
        notDefined[1]!,
        locationAbove(lines, i, workdir),
        `Export '${notDefined[1]}' is not defined`,
      );
      return;
    }
    const link = /SyntaxError: The requested module '([^']+)' does not provide an export named '(\w+)'/.exec(
      line,
    );
    if (link) {
      const file = locationAbove(lines, i, workdir);
      if (file && !out.some((p) => p.kind === 'wrong-export' && p.file === file && p.name === link[2]))
        out.push({
          kind: 'wrong-export',
          name: link[2]!,
          specifier: link[1]!,
          file,
          text: link[0].slice(13),
        });
    }
  });
  return out;
}
