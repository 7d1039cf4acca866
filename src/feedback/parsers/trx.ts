/**
 * Visual Studio TRX (`dotnet test --logger trx`, VSTest, Azure DevOps): `<UnitTestResult outcome="Failed">`
 * with `<ErrorInfo><Message>` and `<StackTrace>`, and `<Counters total passed failed …>`. Scanned result by
 * result, so only one result is held in memory.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import type { TestReport } from '../types.js';
import { dotnetError } from './dotnet.js';
import { attribute, attributes, decode } from './junit.js';
import { ElementScanner } from './xml-scan.js';

const START = /<(UnitTestResult|Counters)\b/g;

export class TrxParser implements LineParser {
  private readonly builder: ReportBuilder;
  private counted = { passed: 0, skipped: 0 };
  private readonly scanner = new ElementScanner(
    START,
    ['UnitTestResult', 'Counters'],
    (name) => name === 'UnitTestResult',
    (name, attrs, body) => (name === 'Counters' ? this.counters(attrs) : this.result(attrs, body)),
  );

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('trx', maxFailures);
  }

  push(line: string): void {
    this.scanner.pushLine(line);
  }

  bulk(text: string, from: number, to: number): number {
    return this.scanner.bulk(text, from, to);
  }

  finish(): TestReport {
    this.scanner.finish();
    if (!this.builder.hasSummary)
      this.builder.addSummary({ ...this.counted, failed: this.builder.failures.length });
    return this.builder.report();
  }

  private counters(text: string): void {
    const attrs = attributes(text);
    const n = (k: string) => Number(attrs[k] ?? 0) || 0;
    this.builder.addSummary({
      passed: n('passed'),
      failed: n('failed') + n('error') + n('timeout') + n('aborted'),
      skipped: n('notExecuted') + n('inconclusive'),
    });
  }

  private result(text: string, body: string): void {
    // Only `outcome` is needed for a result that passed or is only counted.
    const outcome = attribute(text, 'outcome') ?? '';
    if (outcome === 'Passed') return void this.counted.passed++;
    if (outcome !== 'Failed' && outcome !== 'Error' && outcome !== 'Timeout')
      return void this.counted.skipped++;
    if (this.builder.full) return this.builder.countOnly();
    const message = decode(/<Message>([\s\S]*?)<\/Message>/.exec(body)?.[1] ?? '');
    const stack = decode(/<StackTrace>([\s\S]*?)<\/StackTrace>/.exec(body)?.[1] ?? '');
    const info = dotnetError([
      'Error Message:',
      ...message.split('\n'),
      'Stack Trace:',
      ...stack.split('\n'),
    ]);
    this.builder.add({ test: attribute(text, 'testName') ?? '', ...info });
  }
}
