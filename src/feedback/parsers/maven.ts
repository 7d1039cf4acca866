/**
 * Maven's console (`mvn test`, `mvn verify`, `mvn compile`): Surefire/Failsafe 2.x and 3.x per-test blocks
 * (`<<< FAILURE!`, `<<< ERROR!`) with their stack traces, the per-module `Tests run:` totals, and
 * maven-compiler-plugin errors (`[ERROR] /path/File.java:[14,9] cannot find symbol`).
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { frame } from '../paths.js';
import { pushCapped } from '../text.js';
import type { TestReport } from '../types.js';
import { jvmCompileError } from './javac.js';
import { parseJvmError } from './jvm.js';

const FRAME_LINE = /^\s+at /;
const TOTALS =
  /^Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: (\d+)(?:, Flakes: \d+)?(,\s+Time elapsed: .*)?$/;
const TEST_3 =
  /^(\S+?)\.([^.\s]+(?:\(.*\))?(?:\[\d+\])?)\s+--\s+Time elapsed: [\d.,]+ s\s+<<< (FAILURE|ERROR)!$/;
const TEST_2 = /^(.+?)\(([\w$.]+)\)\s+Time elapsed: [\d.,]+ (?:s|sec)\s+<<< (FAILURE|ERROR)!$/;
// Surefire 2.19–2.22: `labelOfMissingItem  Time elapsed: 0.979 s  <<< ERROR!`, the class from the `- in` line before.
const TEST_22 = /^([^\s(]+)\s+Time elapsed: [\d.,]+ (?:s|sec)\s+<<< (FAILURE|ERROR)!$/;
const MODULE = /^\s+from (?:(\S+)\/)?pom\.xml$/;
const COMPILER = /^(\S.*?\.(?:java|kt|scala|groovy)):\[(\d+),(\d+)\] (.*)$/;
const KOTLIN_PLUGIN = /^(?:e: )?(\S.*?\.kt): \((\d+), (\d+)\):? (.*)$/;

/** A failing test's lines; `framed` once a kept line is a stack frame. */
interface Block {
  test: string;
  cls: string;
  lines: string[];
  framed: boolean;
}

export class MavenParser implements LineParser {
  private readonly builder: ReportBuilder;
  private block: Block | null = null;
  private compile: { file: string; line: number; col: string; message: string[] } | null = null;
  private readonly seenCompile = new Set<string>();
  private perClass = { passed: 0, failed: 0, skipped: 0 };
  /** The class of the last per-class `Tests run: … - in com.acme.X` line. */
  private currentClass = '';
  /** A reactor build's current module directory (`b`), from Maven 3.9's `[INFO]   from b/pom.xml`. */
  private module = '';
  /** The module whose tests ran each package, so a frame of another module's class gets that module's path. */
  private readonly packageModule = new Map<string, string>();

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('maven', maxFailures);
  }

  push(raw: string): void {
    const prefix = levelLength(raw);
    const level = prefix > 0;
    const line = level ? raw.slice(prefix) : raw;
    if (level && line.charCodeAt(0) === 0x20 && line.endsWith('pom.xml')) {
      const from = MODULE.exec(line);
      if (from) this.module = from[1] ?? '';
    } else if (level && line.charCodeAt(0) === 0x52 /* R */ && hasAt(line, 0, 'Running ')) {
      const pkg = packageOf(line.slice(8).trim());
      if (!this.packageModule.has(pkg)) this.packageModule.set(pkg, this.module);
    }
    if (this.block) {
      if (level || hasAt(line, 0, 'Running ') || hasAt(line, 0, 'Tests run: ')) this.closeBlock();
      else if (this.block.framed && !line.trim()) return this.closeBlock();
      else return this.holdLine(this.block, raw);
    }
    if (this.compile) {
      const detail = /^\s+(symbol|location|required|found|reason):\s+(.*)$/.exec(line);
      if (detail) {
        this.compile.message.push(`${detail[1]}: ${detail[2]}`);
        return;
      }
      this.closeCompile();
    }
    // Every per-test header ends `<<< FAILURE!` / `<<< ERROR!`: other lines skip the three header regexes.
    if (line.charCodeAt(line.length - 1) === 0x21 /* ! */ && this.header(line)) return;
    const totals =
      line.charCodeAt(0) === 0x54 /* T */ && hasAt(line, 0, 'Tests run: ') ? TOTALS.exec(line) : null;
    if (totals) {
      const [, run, failures, errors, skipped, perClass] = totals;
      const failed = Number(failures) + Number(errors);
      const counts = { passed: Number(run) - failed - Number(skipped), failed, skipped: Number(skipped) };
      if (perClass) {
        this.currentClass = / - in (\S+)$/.exec(perClass)?.[1] ?? this.currentClass;
        this.perClass.passed += counts.passed;
        this.perClass.failed += counts.failed;
        this.perClass.skipped += counts.skipped;
      } else this.builder.addSummary(counts);
      return;
    }
    const compile = level && raw.charCodeAt(1) === 0x45 /* [ERROR] */ ? compilerError(line) : null;
    if (compile) {
      this.compile = {
        file: compile[1]!,
        line: Number(compile[2]),
        col: compile[3]!,
        message: [compile[4]!.trim()],
      };
      return;
    }
    if (!level) {
      const javac = jvmCompileError(raw);
      if (javac && !this.seenCompile.has(`${javac.file}:${javac.line}:${javac.message}`)) {
        this.seenCompile.add(`${javac.file}:${javac.line}:${javac.message}`);
        this.builder.add({
          test: javac.file,
          kind: 'CompilationError',
          message: javac.message,
          frames: [frame(javac.file, javac.line)],
        });
      }
    }
  }

  finish(): TestReport {
    this.closeBlock();
    this.closeCompile();
    // A run cut short (no final `Results:` totals) still counts what the per-class lines said.
    if (!this.builder.hasSummary && this.perClass.passed + this.perClass.failed + this.perClass.skipped > 0)
      this.builder.addSummary(this.perClass);
    return this.builder.report();
  }

  /** Opens the block of a per-test header line; false for another line ending in `!`. */
  private header(line: string): boolean {
    const three = TEST_3.exec(line);
    const test = three ?? TEST_2.exec(line);
    if (test) {
      const cls = three ? test[1]! : test[2]!;
      const name = three ? test[2]! : test[1]!;
      this.block = { test: `${cls}.${name}`, cls, lines: [], framed: false };
      return true;
    }
    const in22 = TEST_22.exec(line);
    if (!in22) return false;
    const cls = this.currentClass;
    this.block = { test: cls ? `${cls}.${in22[1]}` : in22[1]!, cls, lines: [], framed: false };
    return true;
  }

  private holdLine(block: Block, raw: string): void {
    const before = block.lines;
    block.lines = pushCapped(before, raw);
    // A blank line ends the block once it holds a stack frame (of the lines kept, when they were capped).
    if (block.lines !== before) block.framed = block.lines.some((l) => FRAME_LINE.test(l));
    else if (!block.framed && FRAME_LINE.test(raw)) block.framed = true;
  }

  private closeBlock(): void {
    const block = this.block;
    this.block = null;
    if (!block) return;
    if (this.builder.full) return this.builder.countOnly();
    const info = parseJvmError(block.lines, { testClass: block.cls });
    for (const f of info.frames) {
      if (!f.inProject || !f.file.startsWith('src/')) continue;
      const cls = f.function?.slice(0, f.function.lastIndexOf('.')) ?? '';
      const module = this.packageModule.get(packageOf(cls)) ?? this.module;
      if (module) f.file = `${module}/${f.file}`;
    }
    this.builder.add({ test: block.test, ...info });
  }

  private closeCompile(): void {
    const c = this.compile;
    this.compile = null;
    if (!c) return;
    const message = c.message.join('\n');
    const key = `${c.file}:${c.line}:${c.col}:${message}`;
    // maven-compiler-plugin prints each error twice: as it compiles, and again in the goal's failure.
    if (this.seenCompile.has(key)) return;
    this.seenCompile.add(key);
    this.builder.add({ test: c.file, kind: 'CompilationError', message, frames: [frame(c.file, c.line)] });
  }
}

/** Length of the `[INFO] ` (or `[ERROR]`, …) prefix of a line, its one space included; 0 without one. */
function levelLength(raw: string): number {
  if (raw.charCodeAt(0) !== 0x5b /* [ */) return 0;
  const name = levelName(raw);
  if (name === 0) return 0;
  return raw.charCodeAt(name + 1) === 0x20 ? name + 2 : name + 1;
}

/** Index of the `]` closing a level name (`[INFO]`, `[ERROR]`, `[WARNING]`, `[WARN]`, `[DEBUG]`), else 0. */
function levelName(raw: string): number {
  switch (raw.charCodeAt(1)) {
    case 0x49 /* I */:
      return hasAt(raw, 2, 'NFO]') ? 5 : 0;
    case 0x45 /* E */:
      return hasAt(raw, 2, 'RROR]') ? 6 : 0;
    case 0x44 /* D */:
      return hasAt(raw, 2, 'EBUG]') ? 6 : 0;
    case 0x57 /* W */:
      return hasAt(raw, 2, 'ARN]') ? 5 : hasAt(raw, 2, 'ARNING]') ? 8 : 0;
    default:
      return 0;
  }
}

/** `text.startsWith(literal, at)` by character codes (ASCII literals; faster on the short prefixes here). */
function hasAt(text: string, at: number, literal: string): boolean {
  if (text.length < at + literal.length) return false;
  for (let i = 0; i < literal.length; i++)
    if (text.charCodeAt(at + i) !== literal.charCodeAt(i)) return false;
  return true;
}

/** A maven-compiler-plugin (or Kotlin plugin) error line; the literal tests keep the lazy scans off other lines. */
function compilerError(line: string): RegExpExecArray | null {
  return (
    (line.includes(':[') ? COMPILER.exec(line) : null) ??
    (line.includes('.kt: (') ? KOTLIN_PLUGIN.exec(line) : null)
  );
}

/** `com.acme.text` of `com.acme.text.Labels` (or of a nested `Labels$Inner`). */
function packageOf(cls: string): string {
  const outer = cls.replace(/\$.*$/, '');
  return outer.includes('.') ? outer.slice(0, outer.lastIndexOf('.')) : '';
}
