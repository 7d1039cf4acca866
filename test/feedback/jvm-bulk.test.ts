// The bulk paths of the Gradle, javac and dotnet parsers must give the report that reading the same lines one by
// one gives: real fixtures, and lines they must refuse (spaces beyond ASCII, long lines, odd spacing, unicode),
// in one chunk and in small ones, with details kept and with the report full.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineParser } from '../../src/feedback/builder.js';
import { FeedbackStream } from '../../src/feedback/parse.js';
import { DotnetParser } from '../../src/feedback/parsers/dotnet.js';
import { GradleParser } from '../../src/feedback/parsers/gradle.js';
import { JavacParser } from '../../src/feedback/parsers/javac.js';
import type { TestReport } from '../../src/feedback/types.js';
import { perLine } from '../helpers/per-line.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const fixture = (path: string) => readFileSync(join(root, path), 'utf8');

function streamed(runner: string, text: string, maxFailures: number | undefined, chunk: number): TestReport {
  const stream = new FeedbackStream({ runner, maxFailures });
  for (let i = 0; i < text.length; i += chunk) stream.write(text.slice(i, i + chunk));
  return stream.end();
}

type Make = (maxFailures?: number) => LineParser;

function expectSame(runner: string, make: Make, text: string): void {
  for (const maxFailures of [undefined, 1, 0])
    for (const chunk of [text.length + 1, 4093, 97])
      expect(streamed(runner, text, maxFailures, chunk)).toEqual(perLine(make(maxFailures), text));
}

const long = 'x'.repeat(17_000);
const nbsp = '\u00a0';

const gradleOdd = [
  'com.acme.ATest > first FAILED',
  `${nbsp}   java.lang.AssertionError: nbsp indent`,
  '        at com.acme.A.f(A.java:3)',
  '',
  'com.acme.ATest > second FAILED',
  `    ${nbsp}`,
  '    java.lang.AssertionError: after a blank beyond ASCII',
  '\tat com.acme.A.g(A.java:4)',
  `${nbsp}`,
  'com.acme.ATest > third FAILED',
  '',
  '    java.lang.IllegalStateException: a blank first line',
  `    ${long}`,
  'not a block line > but an arrow',
  `${long} > x PASSED`,
  'src/main/java/com/acme/A.java:7: error: cannot find symbol',
  '    List<Item> items;',
  '    ^',
  '  symbol:   class List',
  'Inventory.kt:3:5: error: unresolved reference: x',
  'com.acme.ÄTest > ünïcode PASSED',
  ':core:test',
  '> Task :app:test FAILED',
  '3 tests completed, 3 failed',
  '',
].join('\n');

const dotnetOdd = [
  '  Failed A.B.First [1 ms]',
  '  Error Message:',
  '   Assert.Equal() Failure',
  `${nbsp}Expected: 1`,
  '  Stack Trace:',
  '     at A.B.First() in /src/A/B.cs:line 12',
  `     ${long}`,
  '  Passed A.B.Second [1 ms]',
  '  X A.B.Third [2ms]',
  '  Standard Output Messages:',
  ' hello',
  '/src/A/B.cs(4,9): error CS1002: ; expected [/src/A/A.csproj]',
  '/src/A/B.cs(4,9): error CS1002: ; expected [/src/A/A.csproj]',
  'Test Run Failed.',
  'Total tests: 3',
  '     Passed: 1',
  '     Failed: 2',
  'Failed!  - Failed:     2, Passed:     1, Skipped:     0, Total:     3, Duration: 3 ms - A.dll (net8.0)',
  '',
].join('\n');

describe('JVM and .NET bulk paths', () => {
  const gradle: Make = (m) => new GradleParser(m);
  const javac: Make = (m) => new JavacParser(m);
  const dotnet: Make = (m) => new DotnetParser(m);
  it.each([
    ['gradle', 'gradle/test-full.log', gradle],
    ['gradle', 'gradle/test.log', gradle],
    ['gradle', 'gradle/multi-project.log', gradle],
    ['gradle', 'gradle/compile-error.log', gradle],
    ['javac', 'javac/javac.log', javac],
    ['javac', 'javac/kotlinc.log', javac],
    ['dotnet', 'dotnet/shapetracker.log', dotnet],
    ['dotnet', 'dotnet/archlucid-ci.log', dotnet],
    ['dotnet', 'dotnet/gradebook-vstest16.log', dotnet],
    ['dotnet', 'dotnet/mozgoslav-two-assemblies.log', dotnet],
  ])('%s reads %s as line by line', (runner, path, make) => {
    expectSame(runner, make, fixture(path).repeat(3));
  });

  it('gradle refuses the lines it cannot tell by position', () => {
    expectSame('gradle', (m) => new GradleParser(m), gradleOdd.repeat(2));
  });

  it('javac refuses the lines it cannot tell by position', () => {
    expectSame('javac', (m) => new JavacParser(m), gradleOdd.repeat(2));
  });

  it('dotnet refuses the lines it cannot tell by position', () => {
    expectSame('dotnet', (m) => new DotnetParser(m), dotnetOdd.repeat(2));
  });
});
