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
import { blankLine, hasAt, levelLength, Needle } from './jvm-lines.js';
import { indentEnd, otherSpace } from './line-loop.js';
import { isChainStop } from '../bulk.js';
import { MAX_LINE } from '../text.js';

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
  /** Set for a failure only counted (the report is full): its lines are not kept, only followed for `framed`. */
  counted: Counted | null;
}

/**
 * What `pushCapped` (head and tail of CAP lines each side) would keep of a counted block's lines, by position:
 * `framed` is whether a kept line is a frame, so a frame cut from the middle no longer counts.
 */
interface Counted {
  /** Lines held so far, and the length the capped list would have. */
  held: number;
  size: number;
  /** Whether one of the first CAP/2 lines (always kept) is a frame; the index of the last frame (-1: none). */
  headFramed: boolean;
  lastFrame: number;
}

const CAP = 400;
const CAP_HEAD = Math.ceil(CAP / 2);

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
      else if (this.block.counted) return holdCounted(this.block, this.block.counted, FRAME_LINE.test(raw));
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

  /**
   * Skips the lines `push` ignores and holds a block's lines without the per-line chain; hands the lines it cannot
   * tell by position to `push`. Unlike `eachLine` it reads on at a `[INFO]`-like line (`[` is a chain stop): a
   * level prefix is no JSON document's start (`[`, `[]`, `[{"`), so the chain passes such a line through.
   */
  bulk(text: string, from: number, to: number): number {
    this.javaFile.reset();
    this.kotlinFile.reset();
    this.compilerAt.reset();
    this.kotlinAt.reset();
    let start = from;
    while (start < to) {
      const end = text.indexOf('\n', start);
      if (end < 0 || end >= to || end - start > MAX_LINE) return start;
      const prefix = levelLength(text, start);
      if (prefix === 0 && isChainStop(text, start)) return start;
      if (!this.bulkLine(text, start, end, prefix)) this.push(text.slice(start, end));
      start = end + 1;
    }
    return start;
  }

  private readonly javaFile = new Needle('.java:');
  private readonly kotlinFile = new Needle('.kt');
  private readonly compilerAt = new Needle(':[');
  private readonly kotlinAt = new Needle('.kt: (');

  /** Takes a line `push` would ignore or hold; false for a line `push` must read. */
  private bulkLine(text: string, start: number, end: number, prefix: number): boolean {
    const block = this.block;
    if (block !== null) {
      if (prefix > 0 || hasAt(text, start, 'Running ') || hasAt(text, start, 'Tests run: ')) return false;
      const blank = blankLine(text, start, end);
      if (blank === null || (blank && block.framed)) return false;
      if (block.counted === null) this.holdLine(block, text.slice(start, end));
      else {
        const i = indentEnd(text, start, end);
        if (i < end && otherSpace(text, i)) return false;
        holdCounted(block, block.counted, i > start && hasAt(text, i, 'at '));
      }
      return true;
    }
    if (this.compile !== null || text.charCodeAt(end - 1) === 0x21 /* ! */) return false;
    const c = text.charCodeAt(start + prefix);
    if (c === 0x54 /* T */) return false;
    if (prefix === 0) return !this.javaFile.in(text, start, end) && !this.kotlinFile.in(text, start, end);
    if (c === 0x20 || c === 0x52 /* R */) return false;
    return (
      text.charCodeAt(start + 1) !== 0x45 /* [ERROR] */ ||
      (!this.compilerAt.in(text, start, end) && !this.kotlinAt.in(text, start, end))
    );
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
      this.block = { test: `${cls}.${name}`, cls, lines: [], framed: false, counted: this.counted() };
      return true;
    }
    const in22 = TEST_22.exec(line);
    if (!in22) return false;
    const cls = this.currentClass;
    const name = cls ? `${cls}.${in22[1]}` : in22[1]!;
    this.block = { test: name, cls, lines: [], framed: false, counted: this.counted() };
    return true;
  }

  /** A new block's `counted`: set when the report is full (it stays full until the block closes). */
  private counted(): Counted | null {
    return this.builder.full ? { held: 0, size: 0, headFramed: false, lastFrame: -1 } : null;
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

/** `holdLine` of a counted block: `framed` as the capped list of its lines would say, without the lines. */
function holdCounted(block: Block, c: Counted, frame: boolean): void {
  const i = c.held++;
  if (frame) {
    c.lastFrame = i;
    if (i < CAP_HEAD) c.headFramed = true;
  }
  if (++c.size > CAP * 2) {
    // Capped: the first CAP_HEAD lines, a marker (no frame) and the last CAP - CAP_HEAD lines are kept.
    c.size = CAP + 1;
    block.framed = c.headFramed || c.lastFrame >= c.held - (CAP - CAP_HEAD);
  } else if (frame) block.framed = true;
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
