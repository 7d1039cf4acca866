import type { Sandbox } from '../sandbox/index.js';
import type { FunctionComplexity } from './complexity-ts.js';

/**
 * The score's Python pass, one process in the sandbox (the repository's Python parses its own syntax): cyclomatic
 * complexity of the functions in each source with Python's `ast`, and pyflakes on the changed files when asked
 * and importable. One process for both because a Python start, and pyflakes' import, is most of what either costs
 * (measured in the runner image: `python3 -c pass` 60–200 ms, importing pyflakes 270–400 ms more, under load).
 * Input on stdin: `{"sources": [str | null], "pyflakes": [[path, source]] | null}`; output:
 * `{"functions": [list | null], "pyflakes": str | null}` (null: not asked, or pyflakes not installed).
 */
export const PY_SCORE_SCRIPT = String.raw`
import ast, io, json, sys
DECISIONS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler, ast.With, ast.AsyncWith,
             ast.Assert, ast.comprehension)
def measure(fn):
    total = 1
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, DECISIONS):
            total += 1
        elif isinstance(node, ast.BoolOp):
            total += len(node.values) - 1
        elif hasattr(ast, "match_case") and isinstance(node, ast.match_case):
            total += 1
        stack.extend(ast.iter_child_nodes(node))
    return total
def functions(source):
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append({"name": node.name, "startLine": node.lineno,
                        "endLine": getattr(node, "end_lineno", node.lineno), "complexity": measure(node)})
    return out
def flakes(files):
    if files is None:
        return None
    try:
        from pyflakes import api, reporter
    except ImportError:
        return None
    out = io.StringIO()
    report = reporter.Reporter(out, out)
    for path, source in files:
        api.check(source, path, report)
    return out.getvalue()
request = json.load(sys.stdin)
print(json.dumps({"functions": [functions(s) if s is not None else [] for s in request["sources"]],
                  "pyflakes": flakes(request.get("pyflakes"))}))
`;

export interface PythonPass {
  /** Per source, its functions; null where Python could not parse it (or the pass failed). */
  functions: Array<FunctionComplexity[] | null>;
  /** pyflakes' report (`path:line:col: message` lines); null when not asked or not installed. */
  pyflakes: string | null;
}

/** Runs the Python pass in the sandbox; a failed pass (no python3, a crash) knows nothing. */
export async function pythonPass(
  sandbox: Sandbox,
  sources: Array<string | null>,
  pyflakes: Array<[string, string]> | null,
  signal?: AbortSignal,
): Promise<PythonPass> {
  const result = await sandbox.exec(['python3', '-c', PY_SCORE_SCRIPT], {
    stdin: JSON.stringify({ sources, pyflakes }),
    timeoutMs: 30_000,
    signal,
  });
  if (result.exitCode === 0) {
    try {
      return JSON.parse(result.stdout) as PythonPass;
    } catch {
      // fall through: unknown
    }
  }
  return { functions: [], pyflakes: null };
}
