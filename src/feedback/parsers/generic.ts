/**
 * Any other text: Python tracebacks and Node/JS uncaught errors wherever they appear (a crashing script, a
 * log of an unknown tool). Reports runner `unknown`; each error found is one failure.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { isJsStackLine, parseJsError, parsePythonTraceback, type ErrorInfo } from '../extract.js';
import { pathInText } from '../paths.js';
import { capLines } from '../text.js';
import type { TestReport } from '../types.js';

const PY_START = /^\s*Traceback \(most recent call last\):/;
const PY_CHAIN = /^(During handling of the above exception|The above exception was the direct cause)/;
const JS_HEADER = /^(?:Uncaught )?(?:[A-Z]\w*(?:Error|Exception)|Error)(?: \[[\w$.-]+\])?: /;
const MAX_BLOCK = 600;

export class GenericParser implements LineParser {
  private readonly builder: ReportBuilder;
  private py: { lines: string[]; excSeen: boolean } | null = null;
  private js: { lines: string[]; stack: boolean; dump: boolean } | null = null;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('unknown', maxFailures);
  }
  push(line: string): void {
    if (this.py) return this.pushPython(line);
    if (this.js) return this.pushJs(line);
    if (PY_START.test(line)) this.py = { lines: [line], excSeen: false };
    else if (JS_HEADER.test(line)) this.js = { lines: [line], stack: false, dump: false };
  }

  finish(): TestReport {
    this.closePython();
    this.closeJs();
    return this.builder.report();
  }

  private pushPython(line: string): void {
    const py = this.py!;
    if (PY_CHAIN.test(line) || (!py.excSeen && (/^\s/.test(line) || !line.trim())) || PY_START.test(line)) {
      py.excSeen = false;
      py.lines.push(line);
    } else if (!py.excSeen) {
      py.excSeen = true;
      py.lines.push(line);
    } else if (/^\s+\S/.test(line)) {
      py.lines.push(line);
    } else if (!line.trim()) {
      py.lines.push(line);
    } else {
      this.closePython();
      return this.push(line);
    }
    if (py.lines.length > MAX_BLOCK * 2) py.lines = capLines(py.lines, MAX_BLOCK);
  }

  private pushJs(line: string): void {
    const js = this.js!;
    if (isJsStackLine(line)) {
      js.stack = true;
      js.lines.push(line);
      if (line.trimEnd().endsWith('{')) js.dump = true;
    } else if (js.dump) {
      if (/^\}/.test(line)) js.dump = false;
    } else if (!js.stack && js.lines.length < 50 && line.trim()) {
      js.lines.push(line);
    } else {
      this.closeJs();
      return this.push(line);
    }
    if (js.lines.length > MAX_BLOCK * 2) js.lines = capLines(js.lines, MAX_BLOCK);
  }

  private closePython(): void {
    if (!this.py) return;
    const info = parsePythonTraceback(this.py.lines);
    this.py = null;
    if (info) this.add(info);
  }

  private closeJs(): void {
    if (!this.js) return;
    const { lines, stack } = this.js;
    this.js = null;
    if (stack) this.add(parseJsError(lines));
  }

  private add(info: ErrorInfo): void {
    if (this.builder.full) return this.builder.countOnly();
    const outer = [...info.frames].reverse().find((f) => f.inProject);
    const mentioned = pathInText(info.message);
    this.builder.add({ test: outer?.file ?? mentioned ?? info.kind, file: mentioned, ...info });
  }
}
