/** `go test` (default and `-v`): `--- FAIL` with its log lines, panics with goroutine traces, build errors. */
import { ReportBuilder, type LineParser } from '../builder.js';
import { isChainStop } from '../bulk.js';
import { withExpectedActual } from '../extract.js';
import { frame } from '../paths.js';
import { pushCapped } from '../text.js';
import type { Failure, Frame, TestReport } from '../types.js';
import { Memo } from '../memo.js';

const RUN = /^=== (?:RUN|CONT|PAUSE)\s+(\S+)/;
const RESULT = /^\s*--- (FAIL|PASS|SKIP): (\S+) \([\d.]+m?s\)$/;
const LOG = /^\s+(\S+\.go):(\d+): (.*)$/;
const CONTINUED = /^\s{8,}\S/;
const PANIC = /^panic: (.*?)(?: \[recovered\])?$/;
const BUILD_PACKAGE = /^# (\S+)/;
const BUILD = /^(\S+\.go):(\d+):(\d+): (.*)$/;
const PACKAGE = /^(FAIL|ok)\s+(\S+)/;
const EXIT = /^exit status \d+$/;
const NOTHING_RAN = /\[(build failed|setup failed|no tests to run)\]/;
const HOSTS_WITH_OWNER =
  /^(?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|golang\.org|go\.googlesource\.com)$/;

/**
 * The folder of package `importPath` inside its module, guessed from the import path alone (a log names no go.mod):
 * `github.com/OWNER/REPO/...` and the like have three segments of module path, another domain two
 * (`example.com/shop`), a path without a domain one (`shop/cart`); a major version suffix (`/v2`) belongs to the
 * module. `t.Errorf` prints the file relative to its package folder, so this makes it a repository path.
 */
export function packageDir(importPath: string): string {
  return PACKAGE_DIRS.get(importPath);
}

// A log names few packages, each on many lines: the guess is kept per import path (bounded).
const PACKAGE_DIRS = new Memo((importPath) => guessPackageDir(importPath), 1_000);

function guessPackageDir(importPath: string): string {
  const parts = importPath.split('/');
  const first = parts[0] ?? '';
  let module = !first.includes('.') ? 1 : HOSTS_WITH_OWNER.test(first) ? 3 : 2;
  if (first === 'golang.org' && parts[1] !== 'x') module = 2;
  if (/^v\d+$/.test(parts[module] ?? '')) module += 1;
  return parts.slice(module).join('/');
}

export class GoTextParser implements LineParser {
  private readonly builder: ReportBuilder;
  private logs = new Map<string, { file: string; line: number; text: string[] }[]>();
  private running = '';
  private open: Failure | null = null;
  private panic: { message: string; lines: string[] } | null = null;
  private buildPackageName = '';
  /** Tests that ran subtests: a parent is not a test of its own (its failing subtests are the failures). */
  private readonly parents = new Set<string>();
  /** Failures of the current package, held until it ends so that parents can be told apart. */
  private held: Failure[] = [];
  /** The current package printed per-test lines (`=== RUN`, `--- PASS`): `-v`, or `-json`. */
  private verbose = false;
  /** Some package ended without per-test lines: its passes were not printed, so `passed` is not the count. */
  private passedUnknown = false;

  /** `pkg`: the package whose output this is (`-json` events name it); text output names it on its last line. */
  constructor(
    maxFailures?: number,
    private readonly pkg?: string,
  ) {
    this.builder = new ReportBuilder('go', maxFailures);
  }
  push(line: string): void {
    if (this.panic) {
      if (!PACKAGE.test(line) && !EXIT.test(line)) {
        this.panic.lines = pushCapped(this.panic.lines, line, 1000);
        return;
      }
      this.closePanic();
    }
    // Markers start with `=`, `-` (after blanks), `p`, `#`, `F`, `o`; a build error names a `.go:` file (and
    // may start with any of these). Each first character leads to the markers that can start with it.
    const c = line.charCodeAt(0);
    if (c === 0x20 || c === 0x09) {
      if (!this.result(line) && !this.log(line)) this.continued(line);
      return;
    }
    if (c === 0x3d /* = */) {
      if (this.run(line)) return;
    } else if (c === 0x2d /* - */) {
      if (this.result(line)) return;
    } else if (c === 0x70 /* p */) {
      if (this.panicStart(line)) return;
    } else if (c === 0x23 /* # */) {
      if (this.buildPackage(line)) return;
    } else if (c !== 0x46 /* F */ && c !== 0x6f /* o */) {
      // Another first character (a blank beyond ASCII among them): every marker, in the same order.
      if (!line.includes('.go:')) return;
      if (this.result(line) || this.log(line) || this.continued(line) || this.panicStart(line)) return;
      if (this.buildPackage(line)) return;
    }
    if (line.includes('.go:') && this.buildError(line)) return;
    if (c === 0x46 || c === 0x6f) this.packageEnd(line);
  }

  /**
   * Once full, a panic's trace is counted, not read: its lines are skipped up to one that may end it (`FAIL…`,
   * `ok…`, `exit status…`, which `push` reads) or that the chain must see.
   */
  bulk(text: string, from: number, to: number): number {
    if (!this.panic || !this.builder.full) return from;
    let start = from;
    while (start < to) {
      const c = text.charCodeAt(start);
      if (c === 0x46 && text.startsWith('FAIL', start)) return start;
      if (c === 0x6f && text.startsWith('ok', start)) return start;
      if (c === 0x65 && text.startsWith('exit status ', start)) return start;
      if (isChainStop(text, start)) return start;
      start = text.indexOf('\n', start) + 1;
    }
    return to;
  }

  private run(line: string): boolean {
    const run = RUN.exec(line);
    if (!run) return false;
    this.verbose = true;
    this.close();
    const name = run[1]!;
    this.running = name;
    if (name.includes('/')) {
      const parts = name.split('/');
      for (let i = 1; i < parts.length; i++) this.parents.add(parts.slice(0, i).join('/'));
    }
    return true;
  }

  private result(line: string): boolean {
    const result = RESULT.exec(line);
    if (!result) return false;
    this.close();
    const [, status, name] = result;
    if (status !== 'FAIL') this.verbose = true;
    if (status === 'FAIL') this.open = this.failureWithLogs(name!);
    else if (this.parents.has(name!)) {
      // A parent's PASS/SKIP is its subtests' result, counted by them.
    } else if (status === 'PASS') this.builder.pass();
    else this.builder.skip();
    this.logs.delete(name!);
    return true;
  }

  private log(line: string): boolean {
    const log = LOG.exec(line);
    if (!log) return false;
    const entry = { file: log[1]!, line: Number(log[2]), text: [log[3]!] };
    if (this.open) this.addLog(this.open, entry);
    else this.logsOf(this.running).push(entry);
    return true;
  }

  private continued(line: string): boolean {
    if (!CONTINUED.test(line)) return false;
    const target = this.open ? null : this.logsOf(this.running).at(-1);
    if (this.open) this.open.message += `\n${line.trim()}`;
    else target?.text.push(line.trim());
    return true;
  }

  private panicStart(line: string): boolean {
    const panic = PANIC.exec(line);
    if (!panic) return false;
    this.panic = { message: panic[1]!, lines: [] };
    return true;
  }

  private buildPackage(line: string): boolean {
    const pkg = BUILD_PACKAGE.exec(line);
    if (!pkg) return false;
    this.close();
    this.buildPackageName = pkg[1]!;
    return true;
  }

  private buildError(line: string): boolean {
    const build = BUILD.exec(line);
    if (!build) return false;
    this.close();
    const [, file, ln, , message] = build;
    this.builder.add({
      test: this.buildPackageName || file!,
      kind: 'BuildError',
      message: message!,
      frames: [frame(file!, Number(ln))],
    });
    return true;
  }

  private packageEnd(line: string): void {
    const ended = PACKAGE.exec(line);
    if (!ended) return;
    this.close();
    this.flush(ended[2]);
    this.endPackage(line);
  }

  private endPackage(line: string): void {
    // A package that did not build, or had no test to run, passed none: that count is exact.
    if (!this.verbose && !NOTHING_RAN.test(line)) this.passedUnknown = true;
    this.verbose = false;
  }

  finish(): TestReport {
    if (this.panic) this.closePanic();
    this.close();
    this.flush();
    const report = this.builder.report();
    if (this.passedUnknown) report.passedUnknown = true;
    return report;
  }

  private logsOf(test: string) {
    let list = this.logs.get(test);
    if (!list) this.logs.set(test, (list = []));
    return list;
  }

  private failureWithLogs(name: string): Failure {
    const failure: Failure = { test: name, kind: 'TestFailure', message: '', frames: [] };
    for (const entry of this.logs.get(name) ?? []) this.addLog(failure, entry);
    this.logs.delete(name);
    return failure;
  }

  private addLog(failure: Failure, entry: { file: string; line: number; text: string[] }): void {
    failure.message = [failure.message, entry.text.join('\n')].filter(Boolean).join('\n');
    if (!failure.frames.length) failure.frames.push(frame(entry.file, entry.line));
  }

  private close(): void {
    const open = this.open;
    this.open = null;
    if (!open) return;
    // Once full a held failure is only counted (flush reads its name, message and frames, which this keeps).
    this.held.push(this.builder.full ? open : { ...open, ...withExpectedActual({ ...open }) });
  }

  /**
   * Adds the package's failures, without the parents that failed only because a subtest did, their bare file
   * names (`cart_test.go:14`) put in the package's folder.
   */
  private flush(pkg = this.pkg): void {
    const held = this.held;
    this.held = [];
    const dir = pkg ? packageDir(pkg) : '';
    for (const f of held) {
      if (dir) for (const fr of f.frames) if (!fr.file.includes('/')) fr.file = `${dir}/${fr.file}`;
      const parent = this.parents.has(f.test) || held.some((o) => o.test.startsWith(`${f.test}/`));
      if (parent && !f.message && !f.frames.length) continue;
      if (this.builder.full) this.builder.countOnly();
      else this.builder.add(f);
    }
    this.parents.clear();
  }

  /** A panic belongs to the test just reported failing, or (a timeout) to the test function in the trace. */
  private closePanic(): void {
    const { message, lines } = this.panic!;
    this.panic = null;
    if (this.builder.full) {
      if (this.open?.message) this.builder.countOnly();
      this.open = null;
      return this.builder.countOnly();
    }
    const { frames, test } = goroutine(lines);
    const failure: Failure =
      this.open && !this.open.message
        ? this.open
        : { test: test ?? 'panic', kind: 'panic', message: '', frames: [] };
    this.open = null;
    failure.kind = 'panic';
    failure.message = message;
    failure.frames = frames;
    this.held.push(failure); // added with the package's others when its FAIL line (or the end) comes
  }
}

/** Frames of the first goroutine that runs project code (innermost first), and the test function in it. */
function goroutine(lines: string[]): { frames: Frame[]; test?: string } {
  const stacks: Frame[][] = [];
  let current: Frame[] | null = null;
  let fn = '';
  for (const line of lines) {
    if (/^goroutine \d+ \[/.test(line)) {
      current = [];
      stacks.push(current);
      continue;
    }
    const loc = /^\t(\S+):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(line);
    if (loc && current) {
      current.push(frame(loc[1]!, Number(loc[2]), fn || undefined));
      continue;
    }
    if (line.trim()) fn = line.replace(/\(.*\)$/, '').replace(/^created by /, '');
  }
  const chosen = stacks.find((s) => s.some((f) => f.inProject)) ?? stacks[0] ?? [];
  const testFrame = chosen.find((f) => f.inProject && /\.Test\w*$/.test(f.function ?? ''));
  return { frames: chosen, test: testFrame?.function?.replace(/^.*\./, '') };
}
