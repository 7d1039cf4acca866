// Maven's bulk path must give the report that reading the same lines one by one gives, on any range of whole
// lines the stream may offer it (between lines holding control characters, in chunks of any size): real
// fixtures, lines it must refuse (spaces beyond ASCII, long lines, chain stops), and blocks long enough to be
// capped, with details kept and with the report full.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasBlockers } from '../../src/feedback/bulk.js';
import { MavenParser } from '../../src/feedback/parsers/maven.js';
import { cleanLine } from '../../src/feedback/text.js';
import type { TestReport } from '../../src/feedback/types.js';
import { perLine } from '../helpers/per-line.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const fixture = (path: string) => readFileSync(join(root, path), 'utf8');

/** A small deterministic generator (the ranges differ per seed, the same on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * Feeds `text` as the stream would with bulk offered on ranges: lines holding a control character go one by one;
 * runs of other lines are cut into ranges of random length, each offered to `bulk`, the line it stops at pushed
 * (cleaned) and the rest of the range offered again.
 */
function ranged(parser: MavenParser, text: string, seed: number): TestReport {
  const next = random(seed);
  const starts: number[] = [];
  for (let s = 0; s < text.length; s = text.indexOf('\n', s) + 1 || text.length) starts.push(s);
  const lineAt = (i: number) => {
    const nl = text.indexOf('\n', starts[i]!);
    return text.slice(starts[i], nl < 0 ? text.length : nl);
  };
  const pushLine = (i: number) => {
    const clean = cleanLine(lineAt(i));
    if (clean !== null) parser.push(clean);
  };
  let i = 0;
  while (i < starts.length) {
    if (hasBlockers(lineAt(i))) {
      pushLine(i++);
      continue;
    }
    let j = i;
    const most = i + 1 + Math.floor(next() * 40);
    while (j < starts.length && j < most && !hasBlockers(lineAt(j))) j++;
    const to = j < starts.length ? starts[j]! : text.length;
    let at = starts[i]!;
    while (at < to) {
      at = parser.bulk(text, at, to);
      if (at >= to) break;
      const k = starts.indexOf(at);
      pushLine(k);
      at = k + 1 < starts.length ? starts[k + 1]! : text.length;
    }
    i = j;
  }
  return parser.finish();
}

function expectSame(text: string): void {
  for (const maxFailures of [undefined, 1, 0])
    for (const seed of [1, 7, 42, 1234])
      expect(ranged(new MavenParser(maxFailures), text, seed)).toEqual(
        perLine(new MavenParser(maxFailures), text),
      );
}

const long = 'x'.repeat(17_000);
const nbsp = '\u00a0';

const odd = [
  '[INFO] Running com.acme.ATest',
  '[INFO]   from core/pom.xml',
  '[ERROR] com.acme.ATest.first -- Time elapsed: 0.1 s <<< FAILURE!',
  'java.lang.AssertionError: one',
  `${nbsp}\tat com.acme.A.f(A.java:3)`,
  '\tat com.acme.A.g(A.java:4)',
  `  ${nbsp}`,
  '[ERROR] com.acme.ATest.second -- Time elapsed: 0.1 s <<< ERROR!',
  'java.lang.IllegalStateException: two',
  `    at ${long}`,
  '\tat com.acme.A.h(A.java:5)',
  '',
  'second(com.acme.ATest)  Time elapsed: 0.2 sec  <<< FAILURE!',
  'Running com.acme.BTest',
  'Tests run: 2, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.3 s - in com.acme.BTest',
  'labelOfMissingItem  Time elapsed: 0.979 s  <<< ERROR!',
  '[{"not": "json"}]',
  '{',
  '[WARNING] [ERROR] not a level twice',
  '[INFO] Tests run: 2, Failures: 1, Errors: 1, Skipped: 0',
  '[ERROR] /src/main/java/com/acme/A.java:[14,9] cannot find symbol',
  '  symbol:   class List',
  '  location: class com.acme.A',
  '[ERROR] /src/main/kotlin/com/acme/K.kt: (3, 5): unresolved reference: x',
  'src/main/java/com/acme/A.java:7: error: cannot find symbol',
  'e: /src/main/kotlin/K.kt: (3, 5): unresolved reference',
  '[INFO]',
  '[INFO] BUILD FAILURE!',
  '[DEBUG] T',
  '[ERROR]',
  '',
].join('\n');

/** A block of `n` lines with frames only where `frame(i)` says, then a blank line and a line that tells. */
function longBlock(n: number, frame: (i: number) => boolean): string {
  const lines = [
    '[ERROR] com.acme.LTest.big -- Time elapsed: 0.1 s <<< FAILURE!',
    'java.lang.AssertionError',
  ];
  for (let i = 0; i < n; i++) lines.push(frame(i) ? '\tat com.acme.L.f(L.java:3)' : `  detail ${i}`);
  lines.push('', 'src/main/java/com/acme/L.java:7: error: after the block', '');
  return lines.join('\n');
}

describe('Maven bulk path', () => {
  it.each([
    'maven/surefire.log',
    'maven/surefire-color.log',
    'maven/surefire-2.22-image.log',
    'maven/compile-error.log',
    'maven/reactor.log',
    'maven/reactor-3.8.log',
    'actions/maven.log',
  ])('reads %s as line by line', (path) => {
    expectSame(fixture(path).repeat(3));
  });

  it('refuses the lines it cannot tell by position', () => {
    expectSame(odd.repeat(2));
  });

  it.each([
    ['no frame', 1500, () => false],
    ['a frame in the head', 1500, (i: number) => i === 10],
    ['a frame cut from the middle', 1500, (i: number) => i === 300],
    ['a frame in the tail window', 1210, (i: number) => i === 1100],
    ['frames throughout', 3000, (i: number) => i % 97 === 0],
  ])('follows a capped block with %s', (_, n, frame) => {
    const text = longBlock(n, frame);
    expectSame(text);
    // A counted block follows `framed` as the kept one does: the same failures are counted.
    const kept = perLine(new MavenParser(), text);
    expect(perLine(new MavenParser(0), text).failed).toBe(kept.failed);
    expect(ranged(new MavenParser(0), text, 3).failed).toBe(kept.failed);
  });
});
