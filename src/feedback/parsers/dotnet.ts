/**
 * `dotnet test` (VSTest console, xUnit/NUnit/MSTest): `Failed Name [4 s]` (or `X Name [7ms]`) blocks with
 * `Error Message:` and `Stack Trace:` (`at NS.Class.Method() in /path/File.cs:line 37`), the per-assembly
 * `Failed!  - Failed: 1, Passed: 11, …` summaries (or `Total tests:` of VSTest 16), and MSBuild compiler errors
 * (`/path/File.cs(46,9): error CS1929: … [/path/Project.csproj]`).
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { withExpectedActual, type ErrorInfo } from '../extract.js';
import { frame } from '../paths.js';
import { pushCapped } from '../text.js';
import type { Frame, TestReport } from '../types.js';
import { Needle } from './jvm-lines.js';
import { eachLine } from './line-loop.js';
import { Memo } from '../memo.js';

const ENTRY = /^\s*(?:Failed|X) (\S.*?) \[[^\]]*\]$/;
const OTHER_ENTRY = /^\s*(?:Passed|Skipped|√|!) \S.* \[[^\]]*\]$/;
const SUMMARY =
  /^\s*(?:Failed|Passed)!\s+-\s+Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+), Total:\s+(\d+)/;
const OLD_TOTAL = /^\s*(Total tests|Passed|Failed|Skipped): (\d+)$/;
const CS_ERROR = /^\s*(\S.*?\.(?:cs|fs|vb))\((\d+),(\d+)\): error ([A-Z]+\d+): (.*?)(?: \[[^\]]*\])?$/;
const AT = /^\s*at (.+?)(?: in (.+?):line (\d+)| line (\d+))?\s*$/;
// Frames of the runtime, the test frameworks and assertion libraries.
const LIBRARY = /^(System|Microsoft|FluentAssertions|Xunit|NUnit|Moq|Shouldly|PowerAssert|NSubstitute)\./;

export class DotnetParser implements LineParser {
  private readonly builder: ReportBuilder;
  private block: { test: string; lines: string[] } | null = null;
  private oldTotals: Record<string, number> | null = null;
  private readonly seenErrors = new Set<string>();

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('dotnet', maxFailures);
  }

  push(line: string): void {
    const entry = ENTRY.exec(line);
    if (entry && !(line.includes('!') && SUMMARY.test(line))) {
      this.close();
      this.block = { test: entry[1]!, lines: [] };
      return;
    }
    const summary = line.includes('!') ? SUMMARY.exec(line) : null;
    if (summary) {
      this.close();
      const [, failed, passed, skipped] = summary;
      this.builder.addSummary({ passed: Number(passed), failed: Number(failed), skipped: Number(skipped) });
      return;
    }
    const cs = line.includes('): error ') ? CS_ERROR.exec(line) : null;
    if (cs) {
      this.close();
      const [, file, ln, col, code, message] = cs;
      const key = `${file}:${ln}:${col}:${code}`;
      // MSBuild repeats each error in its final summary.
      if (this.seenErrors.has(key)) return;
      this.seenErrors.add(key);
      this.builder.add({ test: file!, kind: code!, message: message!, frames: [frame(file!, Number(ln))] });
      return;
    }
    if (line.includes('Test Run ') && /^\s*Test Run (Failed|Successful)\.$/.test(line)) {
      this.close();
      this.oldTotals = {};
      return;
    }
    const old = this.oldTotals ? OLD_TOTAL.exec(line) : null;
    if (old) {
      this.oldTotals![old[1]!] = Number(old[2]);
      return;
    }
    if (this.block) {
      if (
        OTHER_ENTRY.test(line) ||
        /^\s*(Standard Output Messages|Standard Error Messages):$/.test(line) ||
        /^\[xUnit\.net /.test(line)
      )
        return this.close();
      this.block.lines = pushCapped(this.block.lines, line);
    }
  }

  private readonly bang = new Needle('!');
  private readonly csError = new Needle('): error ');
  private readonly testRun = new Needle('Test Run ');

  /**
   * A line that cannot be an entry, a summary, a compiler error or a `Test Run` line (no `]` or `:` at its end,
   * none of their literals) is skipped, or joins the open block; the others go to `push`.
   */
  bulk(text: string, from: number, to: number): number {
    this.bang.reset();
    this.csError.reset();
    this.testRun.reset();
    return eachLine(text, from, to, (start, end) => {
      const last = end > start ? text.charCodeAt(end - 1) : 0;
      if (
        this.oldTotals !== null ||
        last === 0x5d /* ] */ ||
        last === 0x3a /* : */ ||
        this.bang.in(text, start, end) ||
        this.csError.in(text, start, end) ||
        this.testRun.in(text, start, end)
      )
        this.push(text.slice(start, end));
      // A counted failure's lines are never read.
      else if (this.block && !this.builder.full)
        this.block.lines = pushCapped(this.block.lines, text.slice(start, end));
      return true;
    });
  }

  finish(): TestReport {
    this.close();
    const t = this.oldTotals;
    if (t && !this.builder.hasSummary && t['Total tests'] !== undefined)
      this.builder.addSummary({ passed: t.Passed ?? 0, failed: t.Failed ?? 0, skipped: t.Skipped ?? 0 });
    return this.builder.report();
  }

  private close(): void {
    const block = this.block;
    this.block = null;
    if (!block) return;
    if (this.builder.full) return this.builder.countOnly();
    this.builder.add({ test: block.test, ...dotnetError(block.lines) });
  }
}

/** What a stack line says: the method, and the file and line when it names them. */
interface AtLine {
  fn: string;
  file: string | undefined;
  line: number;
  inProject: boolean;
}

// Frames of the runtime and the test frameworks recur in every failure: each distinct line is parsed once.
const AT_LINES = new Memo(parseAtLine, 10_000);
const atLine = (line: string): AtLine | null => AT_LINES.get(line);

function parseAtLine(line: string): AtLine | null {
  const at = AT.exec(line);
  if (!at) return null;
  // NJasmine and others prefix the method with `File.cs:11  `.
  const fn = at[1]!.replace(/^\S+\.cs:\d+\s+/, '').replace(/\(.*$/, '');
  return { fn, file: at[2] || undefined, line: Number(at[3]), inProject: !LIBRARY.test(fn) };
}

/** A fresh frame (a report's frames are its own: parsers rewrite their paths). */
function atFrame(at: AtLine): Frame {
  const f: Frame = { file: at.file!, line: at.line, inProject: at.inProject };
  if (at.fn) f.function = at.fn;
  return f;
}

/** `Error Message:` then `Stack Trace:` sections (also a TRX `<Message>` + `<StackTrace>` joined that way). */
export function dotnetError(lines: string[]): ErrorInfo {
  const message: string[] = [];
  const frames: Frame[] = [];
  let section: 'message' | 'stack' | 'none' = 'message';
  for (const line of lines) {
    if (/^\s*Error Message:\s*$/.test(line)) {
      section = 'message';
      continue;
    }
    if (/^\s*Stack Trace:\s*$/.test(line)) {
      section = 'stack';
      continue;
    }
    const at = /^\s*at /.test(line) ? atLine(line) : null;
    if (at) {
      section = 'stack';
      if (at.file !== undefined) frames.push(atFrame(at));
      continue;
    }
    if (section === 'message') message.push(line);
  }
  let text = message
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/^\s+/, '')
    .trimEnd();
  let kind = 'AssertionFailure';
  const thrown = /^([\w.]+(?:Exception|Error)) : ([\s\S]*)$/.exec(text);
  if (thrown) {
    kind = thrown[1]!.replace(/^.*\./, '');
    text = thrown[2]!;
  }
  const info: ErrorInfo = { kind, message: text, frames };
  const expected = /^\s*Expected: (.*?)\s*$/m.exec(text);
  const actual = /^\s*Actual: +(.*?)\s*$/m.exec(text);
  if (expected && actual) {
    info.expected = expected[1]!;
    info.actual = actual[1]!;
    return info;
  }
  return withExpectedActual(info);
}
