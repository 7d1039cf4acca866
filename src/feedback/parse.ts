/** Entry points: parse a whole text, or feed a stream chunk by chunk (constant memory for huge logs). */
import type { LineParser } from './builder.js';
import { detectLine, RUNNERS, type RunnerName } from './detect.js';
import { CargoParser } from './parsers/cargo.js';
import { EslintParser } from './parsers/eslint.js';
import { GenericParser } from './parsers/generic.js';
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
import { cleanLine } from './text.js';
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
};

/** Lines kept before a runner is recognised, replayed into its parser once it is (bounded). */
const MAX_UNDETECTED_BYTES = 2 * 1024 * 1024;

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

/**
 * Incremental parser: `write` chunks of text in any split, `end` returns the report. Until a runner's marker
 * is seen, lines go to the generic extractor and are buffered (up to 2 MB) for replay into the runner's parser.
 */
export class FeedbackStream {
  private parser: LineParser | null = null;
  private readonly generic: LineParser;
  private held: string[] = [];
  private heldBytes = 0;
  private partial = '';
  private readonly decoder = new TextDecoder('utf-8');

  private readonly maxFailures?: number;

  /** `maxFailures`: failures kept with details (default 5,000); later ones are only counted. */
  constructor(options: { runner?: string; maxFailures?: number } = {}) {
    this.maxFailures = options.maxFailures;
    this.generic = new GenericParser(options.maxFailures);
    if (options.runner) this.parser = FACTORIES[resolveRunner(options.runner)](options.maxFailures);
  }

  write(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    let start = 0;
    const data = this.partial + text;
    for (;;) {
      const nl = data.indexOf('\n', start);
      if (nl < 0) break;
      this.line(data.slice(start, nl));
      start = nl + 1;
    }
    this.partial = data.slice(start);
    if (this.partial.length > 1024 * 1024) {
      this.line(this.partial);
      this.partial = '';
    }
  }

  end(): TestReport {
    const rest = this.partial + this.decoder.decode();
    if (rest) this.line(rest);
    this.partial = '';
    return (this.parser ?? this.generic).finish();
  }

  private line(raw: string): void {
    const line = cleanLine(raw);
    if (line === null) return;
    if (this.parser) return this.parser.push(line);
    this.generic.push(line);
    const runner = detectLine(line);
    if (runner && runner !== 'generic') {
      this.parser = FACTORIES[runner](this.maxFailures);
      for (const held of this.held) this.parser.push(held);
      this.parser.push(line);
      this.held = [];
      return;
    }
    this.held.push(line);
    this.heldBytes += line.length + 1;
    if (this.heldBytes > MAX_UNDETECTED_BYTES) {
      let drop = 0;
      while (this.heldBytes > MAX_UNDETECTED_BYTES / 2) this.heldBytes -= this.held[drop++]!.length + 1;
      this.held = this.held.slice(drop);
    }
  }
}

/** Parses a runner's output into a TestReport (runner detected from the text unless given). Never throws on content. */
export function parseTestOutput(
  text: string,
  options: { runner?: string; maxFailures?: number } = {},
): TestReport {
  const stream = new FeedbackStream(options);
  stream.write(text);
  return stream.end();
}
