/**
 * Gradle's console (`gradle test`, `gradle build`, plain or rich): `Class > test FAILED` with the short
 * (`java.lang.AssertionError at InventoryTest.java:13`) or full exception format, `PASSED`/`SKIPPED` events,
 * the `N tests completed, F failed, S skipped` summary, and javac/kotlinc errors of the compile tasks.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { frame } from '../paths.js';
import { pushCapped } from '../text.js';
import type { Failure, TestReport } from '../types.js';
import { JavacCollector } from './javac.js';
import { jvmExpectedActual, jvmSourcePath, parseJvmError, shortKind } from './jvm.js';
import { blankLine, indentedText, Needle } from './jvm-lines.js';
import { eachLine } from './line-loop.js';

const EVENT = /^(\S.*?) > (.+?) (FAILED|PASSED|SKIPPED)$/;
const SUMMARY = /^(\d+) tests? completed(?:, (\d+) failed)?(?:, (\d+) skipped)?$/;
// A task line names its project: `:core:test` (Gradle 4 plain console), `> Task :core:test` (Gradle 5+).
const TASK = /^(?:> Task )?((?::[\w.-]+)*):[a-zA-Z]\w*/;
const SHORT =
  /^\s+([\w$.]+(?:Error|Exception|Failure|Throwable)[\w$]*)(?::\s?(.*?))? at ([\w$]+\.(?:java|kt|groovy|scala)):(\d+)$/;

export class GradleParser implements LineParser {
  private readonly builder: ReportBuilder;
  private readonly javac: JavacCollector;
  private block: { cls: string; test: string; module: string; lines: string[] } | null = null;
  private events = { passed: 0, skipped: 0 };
  /** The project directory of the running task (`core` for `:core:test`, `libs/util` for `:libs:util:test`). */
  private module = '';
  /** The project whose tests ran each package, so a frame of another project's class gets that project's path. */
  private readonly packageModule = new Map<string, string>();
  /** Kept failures of a multi-project build: their paths get the project directory once every task has run. */
  private readonly inModule: { failure: Failure; module: string }[] = [];

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('gradle', maxFailures);
    this.javac = new JavacCollector(this.builder);
  }

  push(line: string): void {
    if (this.block) {
      if (/^\s+\S/.test(line) || (!line.trim() && this.block.lines.length === 0)) {
        this.block.lines = pushCapped(this.block.lines, line);
        return;
      }
      this.close();
    }
    const first = line.charCodeAt(0);
    const task = first === 0x3a /* : */ || first === 0x3e /* > */ ? TASK.exec(line) : null;
    if (task) this.module = task[1]!.slice(1).replace(/:/g, '/');
    const event = line.includes(' > ') ? EVENT.exec(line) : null;
    if (event) {
      const [, cls, test, status] = event;
      if (cls === '' || /^> Task /.test(line)) return; // `> Task :test FAILED` is a task, not a test.
      const testClass = cls!.replace(/^.* > /, '');
      const pkg = packageOf(testClass);
      if (this.module && !this.packageModule.has(pkg)) this.packageModule.set(pkg, this.module);
      if (status === 'FAILED') {
        this.block = { cls: testClass, test: `${cls} > ${test}`, module: this.module, lines: [] };
      } else if (status === 'PASSED') this.events.passed++;
      else this.events.skipped++;
      return;
    }
    const summary = SUMMARY.exec(line);
    if (summary) {
      const [, total, failed, skipped] = summary;
      const f = Number(failed ?? 0);
      const s = Number(skipped ?? 0);
      this.builder.addSummary({ passed: Number(total) - f - s, failed: f, skipped: s });
      return;
    }
    this.javac.push(line);
  }

  /**
   * Skips the lines `push` ignores (no test event, task, summary or compiler error outside a block) and a
   * counted failure's block; hands the lines it reads to `push` itself, the rest of a block to the block.
   */
  bulk(text: string, from: number, to: number): number {
    for (const needle of this.needles) needle.reset();
    return eachLine(text, from, to, (start, end) => this.bulkLine(text, start, end));
  }

  private readonly arrow = new Needle(' > ');
  private readonly java = new Needle('.java:');
  private readonly kotlin = new Needle('.kt');
  private readonly needles = [this.arrow, this.java, this.kotlin];

  private bulkLine(text: string, start: number, end: number): boolean {
    const block = this.block;
    if (block) {
      const indented = indentedText(text, start, end);
      if (indented === null) return false;
      let continues = indented;
      if (!continues && block.lines.length === 0) {
        const blank = blankLine(text, start, end);
        if (blank === null) return false;
        continues = blank;
      }
      if (continues) {
        // A counted failure's lines are not read: only whether its block is still empty matters.
        if (!this.builder.full || block.lines.length === 0)
          block.lines = pushCapped(block.lines, text.slice(start, end));
        return true;
      }
      this.close();
    }
    if (this.javac.pending) return false;
    const first = text.charCodeAt(start);
    if (
      first === 0x3a /* : */ ||
      first === 0x3e /* > */ ||
      (first >= 0x30 && first <= 0x39) ||
      (end - start >= 3 &&
        (this.arrow.in(text, start, end) ||
          this.java.in(text, start, end) ||
          this.kotlin.in(text, start, end)))
    )
      this.push(text.slice(start, end));
    return true;
  }

  finish(): TestReport {
    this.close();
    this.javac.close();
    for (const { failure, module } of this.inModule) this.placeInModule(failure, module);
    if (!this.builder.hasSummary && this.events.passed + this.events.skipped > 0) {
      this.builder.addSummary({ ...this.events, failed: 0 });
      this.builder.addSummary({ failed: this.builder.failures.length });
    }
    return this.builder.report();
  }

  private close(): void {
    const block = this.block;
    this.block = null;
    if (!block) return;
    if (this.builder.full) return this.builder.countOnly();
    const body = block.lines.filter((l) => l.trim());
    const short = body.length === 1 ? SHORT.exec(body[0]!) : null;
    if (short) {
      const [, kind, message, fileName, ln] = short;
      const path = block.cls.includes('.') ? jvmSourcePath(block.cls, fileName!) : fileName!;
      const info = jvmExpectedActual({ kind: shortKind(kind!), message: message ?? '', frames: [] });
      this.add(block, {
        test: block.test,
        ...info,
        frames: [frame(path ?? fileName!, Number(ln), block.cls)],
      });
      return;
    }
    const info = parseJvmError(body, { testClass: block.cls });
    this.add(block, { test: block.test, ...info });
  }

  private add(block: { module: string }, failure: Failure): void {
    const index = this.builder.failures.length;
    this.builder.add(failure);
    const kept = this.builder.failures[index];
    if (kept && block.module) this.inModule.push({ failure: kept, module: block.module });
  }

  /**
   * A frame's `src/…` path gets the directory of the project whose tests ran its package (a `com.acme.core`
   * frame in `:app:test` is core's code), else the failing test's own project; so does the failure's location.
   */
  private placeInModule(failure: Failure, module: string): void {
    const inner = failure.frames.find((f) => f.inProject);
    const located = inner !== undefined && failure.file === inner.file && failure.line === inner.line;
    for (const f of failure.frames) {
      if (!f.inProject || !f.file.startsWith('src/')) continue;
      const cls = f.function?.slice(0, f.function.lastIndexOf('.')) ?? '';
      f.file = `${this.packageModule.get(packageOf(cls)) ?? module}/${f.file}`;
    }
    if (located) failure.file = inner.file;
  }
}

/** `com.acme.core` of `com.acme.core.Prices` (or of a nested `Prices$Inner`). */
function packageOf(cls: string): string {
  const outer = cls.replace(/\$.*$/, '');
  return outer.includes('.') ? outer.slice(0, outer.lastIndexOf('.')) : '';
}
