/** Entry points: parse a whole text, or feed a stream chunk by chunk (constant memory for huge logs). */
import { withModulePaths } from './modules.js';
import type { LineParser } from './builder.js';
import { RUNNERS, type RunnerName } from './detect.js';
import { CargoParser } from './parsers/cargo.js';
import { EslintParser } from './parsers/eslint.js';
import { GenericParser } from './parsers/generic.js';
import { GradleParser } from './parsers/gradle.js';
import { JavacParser } from './parsers/javac.js';
import { MavenParser } from './parsers/maven.js';
import { MinitestParser } from './parsers/minitest.js';
import { PhpunitParser } from './parsers/phpunit.js';
import { RspecParser } from './parsers/rspec.js';
import { DotnetParser } from './parsers/dotnet.js';
import { TrxParser } from './parsers/trx.js';
import { PythonLintParser } from './parsers/python-lint.js';
import { GoParser } from './parsers/go.js';
import { JestParser } from './parsers/jest.js';
import { JunitParser } from './parsers/junit.js';
import { MochaParser } from './parsers/mocha.js';
import { NodeTestSpecParser } from './parsers/node-test.js';
import { PytestParser } from './parsers/pytest.js';
import { TapParser } from './parsers/tap.js';
import { TscParser } from './parsers/tsc.js';
import { UnittestParser } from './parsers/unittest.js';
import { VitestParser } from './parsers/vitest.js';
import { ActionsFramer, commandLineAt, withoutStamps } from './actions.js';
import { blockerAt, columnStampAt, controlAt, hasBlockers } from './bulk.js';
import { ChunkDecoder } from './decode.js';
import { withDeclarations } from './declarations.js';
import { JsonCollector, MAX_JSON_BYTES } from './json-collector.js';
import { combine, Section } from './section.js';
import { cleanLine, MAX_LINE } from './text.js';
import type { TestReport } from './types.js';

const FACTORIES: Record<RunnerName, (maxFailures?: number) => LineParser> = {
  pytest: (max) => new PytestParser(max),
  unittest: (max) => new UnittestParser(max),
  jest: (max) => new JestParser(max),
  vitest: (max) => new VitestParser(max),
  mocha: (max) => new MochaParser(max),
  'node-test': (max) => new NodeTestSpecParser(max),
  tap: (max) => new TapParser(max),
  tsc: (max) => new TscParser(max),
  eslint: (max) => new EslintParser(max),
  go: (max) => new GoParser(max),
  cargo: (max) => new CargoParser(max),
  junit: (max) => new JunitParser(max),
  maven: (max) => new MavenParser(max),
  gradle: (max) => new GradleParser(max),
  javac: (max) => new JavacParser(max),
  rspec: (max) => new RspecParser(max),
  minitest: (max) => new MinitestParser(max),
  phpunit: (max) => new PhpunitParser(max),
  dotnet: (max) => new DotnetParser(max),
  trx: (max) => new TrxParser(max),
  flake8: (max) => new PythonLintParser(max),
  generic: (max) => new GenericParser(max),
};

const ALIASES: Record<string, RunnerName> = {
  unknown: 'generic',
  node: 'node-test',
  'node:test': 'node-test',
  'junit-xml': 'junit',
  xunit: 'junit',
  vite: 'vitest',
  'go-test': 'go',
  rust: 'cargo',
  typescript: 'tsc',
  python: 'generic',
  mvn: 'maven',
  surefire: 'maven',
  failsafe: 'maven',
  gradlew: 'gradle',
  kotlinc: 'javac',
  kotlin: 'javac',
  java: 'javac',
  rake: 'minitest',
  'test-unit': 'minitest',
  php: 'phpunit',
  'dotnet-test': 'dotnet',
  vstest: 'dotnet',
  nunit: 'dotnet',
  mstest: 'dotnet',
  ruff: 'flake8',
  pylint: 'flake8',
  pycodestyle: 'flake8',
};

/** True when the character at `at` is U+2028 or U+2029 (a bulk blocker that is no control character). */
const isSeparator = (text: string, at: number) => (text.charCodeAt(at) | 1) === 0x2029;

const STAMP_PREFIX = /^\ufeff?(?:[^\t\n]+\t[^\t\n]*\t)?\d{4}-\d\d-\d\dT[\d:.]+Z ?/;

export class UnknownRunnerError extends Error {
  override name = 'UnknownRunnerError';
  constructor(runner: string) {
    super(
      `unknown runner "${runner}": use one of ${RUNNERS.filter((r) => r !== 'generic').join(', ')}, unknown`,
    );
  }
}

export function resolveRunner(name: string): RunnerName {
  const key = name.toLowerCase();
  if ((RUNNERS as readonly string[]).includes(key)) return key as RunnerName;
  const alias = ALIASES[key];
  if (!alias) throw new UnknownRunnerError(name);
  return alias;
}

/** Reads a project file for the parser (a test's declaration line), or null when it cannot. */
export type SourceReader = (path: string) => string | null;

export interface ParseOptions {
  /** Runner that produced the text (default: detected from the text, per CI step). */
  runner?: string;
  /** Failures kept with details (default 5,000); later ones are only counted. */
  maxFailures?: number;
  /** Gives failures that have a file but no line (timeouts, `--tb=no`) their test's declaration line, and
   * Maven < 3.9 module-relative paths their module folder (`modules.ts`). */
  readSource?: SourceReader;
}

/**
 * Incremental parser: `write` chunks of text in any split, `end` returns the report. GitHub Actions framing is
 * removed and each step is parsed on its own (the failing step's report is returned); within a step, until a
 * runner's marker is seen, lines go to the generic extractor and are buffered (up to 2 MB) for replay.
 */
export class FeedbackStream {
  private readonly framer = new ActionsFramer();
  private readonly done: { report: TestReport; failed: boolean; detected: boolean }[] = [];
  private section: Section;
  private partial = '';
  /** Whether `partial` holds a character that keeps text off the bulk path (`bulk.ts`). */
  private partialBlockers = false;
  private readonly decoder = new ChunkDecoder();
  private readonly runner?: RunnerName;

  constructor(private readonly options: ParseOptions = {}) {
    if (options.runner) this.runner = resolveRunner(options.runner);
    this.section = this.newSection('');
  }

  write(chunk: string | Uint8Array): void {
    let text: string;
    let textBlockers: boolean;
    if (typeof chunk === 'string') {
      text = chunk;
      textBlockers = hasBlockers(text);
    } else {
      const decoded = this.decoder.decode(chunk);
      text = decoded.text;
      // The bytes were classified while decoding: no regex scan of the text.
      textBlockers = decoded.blockers;
    }
    let start = 0;
    let data = this.partial ? this.partial + text : text;
    const blockers = this.partialBlockers || textBlockers;
    // Where the next line that the chain must treat itself is (a bulk blocker, among them the control characters
    // cleanLine acts on; a `gh run view` column stamp for the framer), by position: the lines before it are passed
    // on as they are and may be read in bulk (`bulk.ts`). Each is searched again only once the lines have passed it.
    let column = data.includes('\t') ? columnStampAt(data, 0) : Infinity;
    let whole = data.lastIndexOf('\n') + 1;
    // A downloaded Actions log: the stamps of the chunk's whole lines cut in one pass; its lines are then read as
    // unframed text is (in bulk too), but for the workflow commands and a step's header, which the framer reads.
    let stamped = true;
    if (this.framer.framed && whole > 0 && column === Infinity) {
      const cut = withoutStamps(data, whole, blockers);
      if (cut !== null) {
        whole -= data.length - cut.length;
        data = cut;
        stamped = false;
      }
    }
    let blocker = blockers ? blockerAt(data, 0) : Infinity;
    let control = blocker;
    let command = stamped ? Infinity : commandLineAt(data, 0);
    for (;;) {
      if (blocker < start) blocker = blockerAt(data, start);
      if (column < start) column = columnStampAt(data, start);
      if (command < start) command = commandLineAt(data, start);
      if (start < whole && (stamped ? !this.framer.framed : !this.framer.dropping)) {
        const stop = blocker < column ? blocker : column;
        let to = stop === Infinity ? whole : data.lastIndexOf('\n', stop) + 1;
        if (command < to) to = command;
        // The bulk path stops before `to`: the blocker, the column stamp and the command are still ahead.
        if (start < to) start = this.section.bulk(data, start, to);
      }
      const nl = data.indexOf('\n', start);
      if (nl < 0) break;
      // Controls are blockers: the first blocker ahead is the first control unless it is a line separator.
      if (control < start) control = isSeparator(data, blocker) ? controlAt(data, start) : blocker;
      this.line(data.slice(start, nl), control < nl, column < nl, stamped);
      start = nl + 1;
    }
    this.partial = start === 0 ? data : data.slice(start);
    this.partialBlockers = blockers && hasBlockers(this.partial);
    // A line longer than 1 MB is cut, unless it is a JSON document (kept whole up to its own cap).
    if (this.partial.length > 1024 * 1024) {
      const json = JsonCollector.startsDocument(this.partial.replace(STAMP_PREFIX, ''));
      if (!json || this.partial.length > MAX_JSON_BYTES) {
        this.line(this.partial);
        this.partial = '';
        this.partialBlockers = false;
      }
    }
  }

  end(): TestReport {
    const rest = this.partial + this.decoder.end();
    if (rest) this.line(rest);
    this.partial = '';
    this.closeSection();
    const report = combine(this.done);
    const read = this.options.readSource;
    return read ? withDeclarations(withModulePaths(report, read), read) : report;
  }

  private newSection(name: string): Section {
    return new Section(name, (r, max) => FACTORIES[r](max), this.runner, this.options.maxFailures);
  }

  private closeSection(): void {
    const s = this.section;
    this.done.push({ report: s.finish(), failed: s.failed, detected: s.detected });
    // Only failing or telling sections are needed; keep memory bounded on jobs of many steps.
    if (this.done.length > 64) {
      const keep = this.done.filter((d) => d.failed || d.detected || d.report.failed > 0);
      this.done.splice(0, this.done.length, ...keep.slice(-64));
    }
  }

  private line(raw: string, controls = true, tabs = true, stamped = true): void {
    let framed = this.framer.frame(raw, tabs, stamped);
    if (typeof framed !== 'string') {
      if (framed.type === 'step') {
        this.closeSection();
        this.section = this.newSection(framed.name);
        const pending = this.framer.takePending();
        if (pending === null) return;
        framed = this.framer.frame(pending);
        if (typeof framed !== 'string') {
          if (framed.type === 'failed') this.section.failed = true;
          return;
        }
      } else {
        if (framed.type === 'failed') this.section.failed = true;
        return;
      }
    }
    const clean = controls
      ? cleanLine(framed)
      : framed.length > MAX_LINE
        ? framed.slice(0, MAX_LINE)
        : framed;
    this.section.push(framed, clean);
  }
}

/** Parses a runner's output into a TestReport (runner detected from the text unless given). Never throws on content. */
export function parseTestOutput(text: string, options: ParseOptions = {}): TestReport {
  const stream = new FeedbackStream(options);
  stream.write(text);
  return stream.end();
}
