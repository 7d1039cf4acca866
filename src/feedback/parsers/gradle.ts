/**
 * Gradle's console (`gradle test`, `gradle build`, plain or rich): `Class > test FAILED` with the short
 * (`java.lang.AssertionError at InventoryTest.java:13`) or full exception format, `PASSED`/`SKIPPED` events,
 * the `N tests completed, F failed, S skipped` summary, and javac/kotlinc errors of the compile tasks.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { frame } from '../paths.js';
import { pushCapped } from '../text.js';
import type { TestReport } from '../types.js';
import { JavacCollector } from './javac.js';
import { jvmExpectedActual, jvmSourcePath, parseJvmError, shortKind } from './jvm.js';

const EVENT = /^(\S.*?) > (.+?) (FAILED|PASSED|SKIPPED)$/;
const SUMMARY = /^(\d+) tests? completed(?:, (\d+) failed)?(?:, (\d+) skipped)?$/;
const SHORT =
  /^\s+([\w$.]+(?:Error|Exception|Failure|Throwable)[\w$]*)(?::\s?(.*?))? at ([\w$]+\.(?:java|kt|groovy|scala)):(\d+)$/;

export class GradleParser implements LineParser {
  private readonly builder: ReportBuilder;
  private readonly javac: JavacCollector;
  private block: { cls: string; test: string; lines: string[] } | null = null;
  private events = { passed: 0, skipped: 0 };

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
    const event = EVENT.exec(line);
    if (event) {
      const [, cls, test, status] = event;
      if (status === 'FAILED') {
        // `> Task :test FAILED` is a task, not a test.
        if (cls === '' || /^> Task /.test(line)) return;
        this.block = { cls: cls!.replace(/^.* > /, ''), test: `${cls} > ${test}`, lines: [] };
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

  finish(): TestReport {
    this.close();
    this.javac.close();
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
      this.builder.add({
        test: block.test,
        ...info,
        frames: [frame(path ?? fileName!, Number(ln), block.cls)],
      });
      return;
    }
    const info = parseJvmError(body, { testClass: block.cls });
    this.builder.add({ test: block.test, ...info });
  }
}
