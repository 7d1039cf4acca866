/**
 * Cyclomatic complexity of Python functions, computed with Python's own `ast` module inside the sandbox (the
 * repository's Python version parses its own syntax). Input on stdin: JSON list of sources; output: JSON list of
 * function lists.
 */
export const PY_COMPLEXITY_SCRIPT = String.raw`
import ast, json, sys
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
print(json.dumps([functions(s) if s is not None else [] for s in json.load(sys.stdin)]))
`;
