// `go test -json` output events in test2json's layout are read by one match instead of JSON.parse: the report
// must be the one JSON.parse gives, whatever the escapes, and a line outside that layout must still be read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoParser } from '../../src/feedback/parsers/go.js';
import type { TestReport } from '../../src/feedback/types.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const events = readFileSync(join(root, 'go/subtests-json.log'), 'utf8').trimEnd().split('\n');

function parse(lines: string[]): TestReport {
  const parser = new GoParser();
  for (const line of lines) parser.push(line);
  return parser.finish();
}

// The same events with a blank after each key's colon: valid JSON outside the layout, so read by JSON.parse.
const spaced = (lines: string[]) => lines.map((l) => l.replace(/("[A-Za-z]+"):/g, '$1: '));

describe('go test -json output events', () => {
  it('reads the layout as JSON.parse reads the same events', () => {
    const report = parse(events);
    expect(report.failures.length).toBeGreaterThan(0);
    expect(report).toEqual(parse(spaced(events)));
  });

  it('decodes escaped quotes, backslashes, tabs and \\u escapes in the output', () => {
    // The first has only the escapes the match decodes itself; the \u escapes go to JSON.parse.
    for (const escaped of ['want \\"90\\"\\t\\\\n /\\/\\n"', 'want \\u00e9\\u001b[0m\\n"']) {
      const odd = events.map((l) => l.replace(/want 90\\n"/, escaped));
      expect(odd).not.toEqual(events);
      const report = parse(odd);
      // eslint-disable-next-line no-control-regex
      expect(report.failures.some((f) => /want ("90"\t\\n \/\/|\u00e9\u001b)/.test(f.message))).toBe(true);
      expect(report).toEqual(parse(spaced(odd)));
    }
  });

  it('reads an output split over events, and events with more fields, through JSON.parse', () => {
    const split = events.flatMap((l) => {
      const m = /^(.*"Output":")(.{3})(.*)$/.exec(l);
      return m ? [`${m[1]}${m[2]}"}`, `${m[1]}${m[3]}`] : [l];
    });
    const elapsed = events.map((l) => l.replace('"Output":', '"Elapsed":0,"Output":'));
    expect(parse(split)).toEqual(parse(events));
    expect(parse(elapsed)).toEqual(parse(events));
  });

  it('takes a line that only looks like an event (a raw tab, a broken string) as text, as JSON.parse rejects it', () => {
    const line = (output: string) =>
      `{"Time":"2026-12-01T10:12:44Z","Action":"output","Package":"example.com/shop/price","Output":"${output}"}`;
    // A raw tab is no valid JSON: the line is the text parser's, where it is no `go test` marker.
    const broken = [line('--- FAIL: TestA\t(0.00s)\\n'), line('--- FAIL: TestB (0.00s)\\')];
    const report = parse(broken);
    expect(report.failed).toBe(0);
    expect(
      parse([line('--- FAIL: TestC (0.00s)\\n'), line('FAIL\\texample.com/shop/price\\t0.1s\\n')]).failed,
    ).toBe(1);
  });
});
