import type * as TS from 'typescript';

/** Cyclomatic complexity of one function: 1 + decision points. */
export interface FunctionComplexity {
  name: string;
  startLine: number;
  endLine: number;
  complexity: number;
}

let tsModule: Promise<typeof TS | null> | undefined;

/** The TypeScript compiler API, or null where it is not installed (then complexity is reported as unknown). */
export function loadTypeScript(): Promise<typeof TS | null> {
  tsModule ??= import('typescript').then(
    (m) => (m as unknown as { default?: typeof TS }).default ?? (m as unknown as typeof TS),
    () => null,
  );
  return tsModule;
}

function functionName(ts: typeof TS, node: TS.Node, source: TS.SourceFile): string {
  const named = node as TS.Node & { name?: TS.Node };
  if (named.name) return named.name.getText(source);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(source);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  return `<anonymous@${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}>`;
}

/** Functions of a JS/TS source with their cyclomatic complexity (nested functions counted on their own). */
export function tsFunctionComplexities(ts: typeof TS, fileName: string, text: string): FunctionComplexity[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: FunctionComplexity[] = [];
  const isFunction = (n: TS.Node): boolean =>
    ts.isFunctionDeclaration(n) ||
    ts.isMethodDeclaration(n) ||
    ts.isFunctionExpression(n) ||
    ts.isArrowFunction(n) ||
    ts.isConstructorDeclaration(n) ||
    ts.isGetAccessorDeclaration(n) ||
    ts.isSetAccessorDeclaration(n);
  const decisions = (n: TS.Node): number => {
    switch (n.kind) {
      case ts.SyntaxKind.IfStatement:
      case ts.SyntaxKind.ConditionalExpression:
      case ts.SyntaxKind.ForStatement:
      case ts.SyntaxKind.ForInStatement:
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
      case ts.SyntaxKind.CatchClause:
      case ts.SyntaxKind.CaseClause:
        return 1;
      case ts.SyntaxKind.BinaryExpression: {
        const op = (n as TS.BinaryExpression).operatorToken.kind;
        return op === ts.SyntaxKind.AmpersandAmpersandToken ||
          op === ts.SyntaxKind.BarBarToken ||
          op === ts.SyntaxKind.QuestionQuestionToken
          ? 1
          : 0;
      }
      default:
        return 0;
    }
  };
  const measure = (fn: TS.Node): number => {
    let total = 1;
    const walk = (n: TS.Node): void => {
      if (n !== fn && isFunction(n)) return;
      total += decisions(n);
      ts.forEachChild(n, walk);
    };
    walk(fn);
    return total;
  };
  const visit = (n: TS.Node): void => {
    if (isFunction(n)) {
      out.push({
        name: functionName(ts, n, source),
        startLine: source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1,
        endLine: source.getLineAndCharacterOfPosition(n.getEnd()).line + 1,
        complexity: measure(n),
      });
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

/**
 * Complexity change of the functions touched by an edit: the functions of the new text that contain a changed line,
 * compared with the same-named functions of the old text (a new function counts in full).
 */
export function complexityDeltaOfChange(
  before: FunctionComplexity[],
  after: FunctionComplexity[],
  changedLines: number[],
): { delta: number; functions: Array<{ name: string; before?: number; after: number }> } {
  const touched = after.filter((f) => changedLines.some((line) => line >= f.startLine && line <= f.endLine));
  // Only the innermost touched function per changed line counts, so a nested change is not counted twice.
  const innermost = touched.filter(
    (f) =>
      !touched.some(
        (g) =>
          g !== f &&
          g.startLine >= f.startLine &&
          g.endLine <= f.endLine &&
          changedLines.every(
            (l) => !(l >= f.startLine && l <= f.endLine) || (l >= g.startLine && l <= g.endLine),
          ),
      ),
  );
  const functions = innermost.map((f) => ({
    name: f.name,
    before: before.find((b) => b.name === f.name)?.complexity,
    after: f.complexity,
  }));
  const delta = functions.reduce((s, f) => s + f.after - (f.before ?? 0), 0);
  return { delta, functions };
}
