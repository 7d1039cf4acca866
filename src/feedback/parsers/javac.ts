/**
 * Compiler errors of `javac` and `kotlinc`, run alone or under Gradle: `File.java:14: error: …` (then the code
 * line, a caret, `symbol:`/`location:`), `File.kt:3:5: error: …`, Gradle's Kotlin `e: file:///…/File.kt:3:5 …`.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import { frame } from '../paths.js';
import type { TestReport } from '../types.js';
import { Needle } from './jvm-lines.js';
import { eachLine } from './line-loop.js';

const JAVAC = /^(?::[\w:-]+)?(\S.*?\.java):(\d+): error: (.*)$/;
const KOTLINC = /^(?::[\w:-]+)?(?:e: )?(?:file:\/\/)?(\S.*?\.kts?):(\d+):(\d+):? (?:error: )?(.*)$/;
const KOTLIN_OLD = /^e: (\S.*?\.kts?): \((\d+), (\d+)\): (.*)$/;

export interface CompileError {
  file: string;
  line: number;
  message: string;
  lang: 'java' | 'kotlin';
}

/** The error a compiler's header line announces, or null (warnings are not errors). */
export function jvmCompileError(line: string): CompileError | null {
  // Cheap literal test first: the lazy `\S.*?\.java` scans would otherwise run on every line of a build log.
  if (!line.includes('.java:') && !line.includes('.kt')) return null;
  const j = JAVAC.exec(line);
  if (j) return { file: j[1]!, line: Number(j[2]), message: j[3]!, lang: 'java' };
  if (/^w: |: warning: /.test(line)) return null;
  const k = KOTLIN_OLD.exec(line) ?? KOTLINC.exec(line);
  if (k && (line.startsWith('e: ') || /: error: /.test(line)))
    return { file: k[1]!, line: Number(k[2]), message: k[4]!, lang: 'kotlin' };
  return null;
}

/** Collects compiler errors; javac's `symbol:` and `location:` lines join the message. */
export class JavacCollector {
  private open: CompileError | null = null;
  private readonly seen = new Set<string>();
  langs = new Set<string>();

  constructor(private readonly builder: ReportBuilder) {}

  /** True while an error's header was read and its detail lines may follow. */
  get pending(): boolean {
    return this.open !== null;
  }

  /** True when the line belonged to a compiler error. */
  push(line: string): boolean {
    const err = jvmCompileError(line);
    if (err) {
      this.close();
      this.open = err;
      this.langs.add(err.lang);
      return true;
    }
    if (this.open) {
      const detail = /^\s+(symbol|location|required|found|reason):\s+(.*)$/.exec(line);
      if (detail) {
        this.open.message += `\n${detail[1]}: ${detail[2]}`;
        return true;
      }
      if (/^\d+ errors?$/.test(line)) {
        this.close();
        return true;
      }
      // The code line and the caret javac prints under it are not message.
      if (/^\s+\S|^\s*\^\s*$/.test(line) || /^\S.*;\s*$/.test(line)) return true;
      this.close();
    }
    return false;
  }

  close(): void {
    const e = this.open;
    this.open = null;
    if (!e) return;
    const key = `${e.file}:${e.line}:${e.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.builder.add({
      test: e.file,
      kind: 'CompilationError',
      message: e.message,
      frames: [frame(e.file, e.line)],
    });
  }
}

export class JavacParser implements LineParser {
  private readonly builder: ReportBuilder;
  private readonly collector: JavacCollector;

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('javac', maxFailures);
    this.collector = new JavacCollector(this.builder);
  }

  push(line: string): void {
    this.collector.push(line);
  }

  private readonly java = new Needle('.java:');
  private readonly kotlin = new Needle('.kt');

  /** Outside an error only a line naming a `.java:` or `.kt` file is read; the others are skipped by position. */
  bulk(text: string, from: number, to: number): number {
    this.java.reset();
    this.kotlin.reset();
    return eachLine(text, from, to, (start, end) => {
      if (this.collector.pending || this.java.in(text, start, end) || this.kotlin.in(text, start, end))
        this.collector.push(text.slice(start, end));
      return true;
    });
  }

  finish(): TestReport {
    this.collector.close();
    const report = this.builder.report();
    if (this.collector.langs.size === 1 && this.collector.langs.has('kotlin')) report.runner = 'kotlinc';
    return report;
  }
}
