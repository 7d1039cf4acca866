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

const LEVEL = /^\[(INFO|ERROR|WARNING|WARN|DEBUG)\] ?/;
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

export class MavenParser implements LineParser {
  private readonly builder: ReportBuilder;
  private block: { test: string; cls: string; lines: string[] } | null = null;
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
    const level = raw.charCodeAt(0) === 0x5b /* [ */ ? LEVEL.exec(raw) : null;
    const line = level ? raw.slice(level[0].length) : raw;
    if (level && line.charCodeAt(0) === 0x20 && line.endsWith('pom.xml')) {
      const from = MODULE.exec(line);
      if (from) this.module = from[1] ?? '';
    } else if (level && line.startsWith('Running ')) {
      const pkg = packageOf(line.slice(8).trim());
      if (!this.packageModule.has(pkg)) this.packageModule.set(pkg, this.module);
    }
    if (this.block) {
      if (level || /^(Running |Tests run: )/.test(line)) this.closeBlock();
      else if (!line.trim() && this.block.lines.some((l) => /^\s+at /.test(l))) return this.closeBlock();
      else {
        this.block.lines = pushCapped(this.block.lines, raw);
        return;
      }
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
    const header = line.charCodeAt(line.length - 1) === 0x21; /* ! */
    const in22 = !header || TEST_3.test(line) || TEST_2.test(line) ? null : TEST_22.exec(line);
    if (in22) {
      const cls = this.currentClass;
      this.block = { test: cls ? `${cls}.${in22[1]}` : in22[1]!, cls, lines: [] };
      return;
    }
    const three = header ? TEST_3.exec(line) : null;
    const test = three ?? (header ? TEST_2.exec(line) : null);
    if (test) {
      const cls = three ? test[1]! : test[2]!;
      const name = three ? test[2]! : test[1]!;
      this.block = { test: `${cls}.${name}`, cls, lines: [] };
      return;
    }
    const totals = line.startsWith('Tests run: ') ? TOTALS.exec(line) : null;
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
    const compile = level?.[1] === 'ERROR' ? (COMPILER.exec(line) ?? KOTLIN_PLUGIN.exec(line)) : null;
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

/** `com.acme.text` of `com.acme.text.Labels` (or of a nested `Labels$Inner`). */
function packageOf(cls: string): string {
  const outer = cls.replace(/\$.*$/, '');
  return outer.includes('.') ? outer.slice(0, outer.lastIndexOf('.')) : '';
}
