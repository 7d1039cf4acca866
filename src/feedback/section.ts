/**
 * One section of a log (the whole text, or one step of a CI job): lines go to the generic extractor until a
 * runner's marker is seen, then to that runner's parser (held lines replayed, bounded); whole JSON documents
 * are gathered beside them and, when recognised, are the section's report.
 */
import type { LineParser } from './builder.js';
import { detectLine, type RunnerName } from './detect.js';
import { JsonCollector } from './json-collector.js';
import { GenericParser } from './parsers/generic.js';
import type { TestReport } from './types.js';

/** Lines kept before a runner is recognised, replayed into its parser once it is (bounded). */
const MAX_UNDETECTED_BYTES = 2 * 1024 * 1024;

export type ParserFactory = (runner: RunnerName, maxFailures?: number) => LineParser;

export class Section {
  private parser: LineParser | null = null;
  private readonly generic: GenericParser;
  private readonly json: JsonCollector;
  private held: string[] = [];
  private heldBytes = 0;
  failed = false;

  constructor(
    readonly name: string,
    private readonly factory: ParserFactory,
    private readonly runner: RunnerName | undefined,
    private readonly maxFailures?: number,
  ) {
    this.generic = new GenericParser(maxFailures);
    this.json = new JsonCollector(maxFailures);
    if (runner) this.parser = factory(runner, maxFailures);
  }

  /** `raw` is the line before cleaning (JSON documents are read from it); `line` is cleaned, or null. */
  push(raw: string, line: string | null): void {
    const json = this.json.push(raw);
    if (line === null) return;
    if (this.parser) return this.parser.push(line);
    // A whole one-line JSON document (jest --json…) is no runner's text: no marker scan over megabytes.
    if (json) return;
    // Inside a pretty-printed JSON document a line such as `  "message": "…",` is no runner's marker.
    if (this.json.inDocument && isJsonLine(line)) return;
    this.generic.push(line);
    const runner = detectLine(line);
    if (runner && runner !== 'generic') {
      this.parser = this.factory(runner, this.maxFailures);
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

  /** The parser's bulk path over whole lines [from, to) (`bulk.ts`); returns where per-line reading resumes. */
  bulk(text: string, from: number, to: number): number {
    const parser = this.parser;
    if (parser === null || parser.bulk === undefined || this.json.inDocument) return from;
    return parser.bulk(text, from, to);
  }

  /** True when this section says something: a runner was recognised, or something failed. */
  get detected(): boolean {
    return this.parser !== null;
  }

  finish(): TestReport {
    const text = (this.parser ?? this.generic).finish();
    return this.json.report() ?? text;
  }
}

function isJsonLine(line: string): boolean {
  let i = 0;
  while (line.charCodeAt(i) === 0x20) i++;
  const c = line.charCodeAt(i);
  return c === 0x22 /* " */ || c === 0x7b || c === 0x7d || c === 0x5b || c === 0x5d;
}

/**
 * The report of a job of several steps: the failing steps' (several when matrix jobs are in one log) or, when
 * no step is marked failing, every section that said something. The section with most failures is the base;
 * failures of the others that it does not already hold are added (a matrix job repeats the same failures).
 */
export function combine(sections: { report: TestReport; failed: boolean; detected: boolean }[]): TestReport {
  const failing = sections.filter((s) => s.failed);
  let chosen = failing.length ? failing : sections.filter((s) => s.detected || s.report.failed > 0);
  if (!chosen.length) chosen = sections.slice(-1);
  const reports = chosen
    .map((s) => s.report)
    .sort((a, b) => b.failures.length - a.failures.length || b.failed - a.failed);
  const base = reports[0]!;
  if (reports.length === 1) return base;
  const out: TestReport = { ...base, failures: [...base.failures] };
  const key = (f: TestReport['failures'][number]) => `${f.test}\0${f.file ?? ''}\0${f.line ?? ''}`;
  const seen = new Set(out.failures.map(key));
  for (const r of reports.slice(1)) {
    for (const f of r.failures) {
      if (seen.has(key(f))) continue;
      seen.add(key(f));
      out.failures.push(f);
      out.failed++;
    }
    // A step that failed before its tests ran (a compile error) adds only its failures; counts stay the base's.
  }
  return out;
}
