/**
 * Visual Studio TRX (`dotnet test --logger trx`, VSTest, Azure DevOps): `<UnitTestResult outcome="Failed">`
 * with `<ErrorInfo><Message>` and `<StackTrace>`, and `<Counters total passed failed …>`. Scanned result by
 * result, so only one result is held in memory.
 */
import { ReportBuilder, type LineParser } from '../builder.js';
import type { TestReport } from '../types.js';
import { dotnetError } from './dotnet.js';
import { attributes, decode } from './junit.js';

const MAX_BUFFER = 8 * 1024 * 1024;

export class TrxParser implements LineParser {
  private readonly builder: ReportBuilder;
  private buffer = '';
  private counted = { passed: 0, skipped: 0 };

  constructor(maxFailures?: number) {
    this.builder = new ReportBuilder('trx', maxFailures);
  }

  push(line: string): void {
    this.buffer += `${line}\n`;
    if (this.buffer.length > MAX_BUFFER) this.buffer = this.buffer.slice(-MAX_BUFFER / 2);
    if (line.includes('>')) this.scan();
  }

  finish(): TestReport {
    this.scan();
    if (!this.builder.hasSummary)
      this.builder.addSummary({ ...this.counted, failed: this.builder.failures.length });
    return this.builder.report();
  }

  private scan(): void {
    for (;;) {
      const m = /<(UnitTestResult|Counters)\b((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/.exec(this.buffer);
      if (!m) {
        const lt = this.buffer.lastIndexOf('<');
        this.buffer = lt >= 0 ? this.buffer.slice(lt) : '';
        return;
      }
      const attrs = attributes(m[2]!);
      let body = '';
      let end = m.index + m[0].length;
      if (m[1] === 'UnitTestResult' && !m[3]) {
        const close = this.buffer.indexOf('</UnitTestResult>', end);
        if (close < 0) {
          this.buffer = this.buffer.slice(m.index);
          return;
        }
        body = this.buffer.slice(end, close);
        end = close + '</UnitTestResult>'.length;
      }
      this.buffer = this.buffer.slice(end);
      if (m[1] === 'Counters') {
        const n = (k: string) => Number(attrs[k] ?? 0) || 0;
        this.builder.addSummary({
          passed: n('passed'),
          failed: n('failed') + n('error') + n('timeout') + n('aborted'),
          skipped: n('notExecuted') + n('inconclusive'),
        });
        continue;
      }
      this.result(attrs, body);
    }
  }

  private result(attrs: Record<string, string>, body: string): void {
    const outcome = attrs.outcome ?? '';
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
    this.builder.add({ test: attrs.testName ?? '', ...info });
  }
}
