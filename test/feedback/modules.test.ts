// Maven 3.8 (maven/reactor-3.8.log, real output of projects/maven-reactor) prints no `from a/pom.xml` line and
// names modules by artifactId (`text`, `inventory`), not by folder (a/, b/): with the repository readable, each
// module-relative path gets the folder of the module that holds the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sourceReader } from '../../src/cli/source-reader.js';
import { FeedbackStream, parseTestOutput } from '../../src/feedback/index.js';
import { modulesOf, reactorModules, withModulePaths } from '../../src/feedback/modules.js';

const root = new URL('../fixtures/feedback/', import.meta.url).pathname;
const log = readFileSync(join(root, 'maven/reactor-3.8.log'), 'utf8');
const repo = join(root, 'projects/maven-reactor');

function parseWith(read: (p: string) => string | null) {
  const s = new FeedbackStream({ readSource: read });
  s.write(log);
  return s.end();
}

describe('Maven < 3.9 reactor paths', () => {
  it('without the repository, paths stay module-relative', () => {
    const r = parseTestOutput(log);
    expect(r.failures.map((f) => `${f.file}:${f.line}`)).toEqual([
      'src/main/java/com/acme/text/Labels.java:7',
      'src/test/java/com/acme/InventoryTest.java:12',
    ]);
  });

  it('with the repository, every project frame gets the folder of the module holding its file', () => {
    const r = parseWith(sourceReader(repo));
    expect([r.runner, r.passed, r.failed]).toEqual(['maven', 2, 2]);
    const [npe, mismatch] = r.failures;
    expect(`${npe!.file}:${npe!.line}`).toBe('a/src/main/java/com/acme/text/Labels.java:7');
    expect(npe!.frames.filter((f) => f.inProject).map((f) => `${f.file}:${f.line}`)).toEqual([
      'a/src/main/java/com/acme/text/Labels.java:7',
      'b/src/main/java/com/acme/Inventory.java:34',
      'b/src/test/java/com/acme/InventoryTest.java:25',
    ]);
    expect(`${mismatch!.file}:${mismatch!.line}`).toBe('b/src/test/java/com/acme/InventoryTest.java:12');
    // JDK and JUnit frames keep their bare file names.
    expect(npe!.frames.find((f) => !f.inProject)?.file).toBe('Method.java');
  });

  it('reads nested aggregators and profile modules, ignores commented ones and paths out of the root', () => {
    const files: Record<string, string> = {
      'pom.xml': '<modules><module>libs</module><!-- <module>old</module> --><module>../x</module></modules>',
      'libs/pom.xml':
        '<profiles><profile><modules><module>core/pom.xml</module></modules></profile></profiles>',
      'libs/core/pom.xml': '<project/>',
    };
    const read = (p: string) => files[p] ?? null;
    expect(modulesOf(files['pom.xml']!)).toEqual(['libs', '../x']);
    expect(reactorModules(read)).toEqual(['libs', 'libs/core']);
  });

  it('leaves a path alone when the root holds the file or no module does, and other runners untouched', () => {
    const files: Record<string, string> = {
      'pom.xml': '<modules><module>m</module></modules>',
      'src/main/java/A.java': 'class A {}',
      'm/src/main/java/B.java': 'class B {}',
    };
    const read = (p: string) => files[p] ?? null;
    const failure = (file: string) => ({
      test: 't',
      file,
      line: 1,
      kind: 'E',
      message: '',
      frames: [{ file, line: 1, inProject: true }],
    });
    const report = {
      runner: 'maven' as const,
      passed: 0,
      failed: 3,
      skipped: 0,
      failures: ['src/main/java/A.java', 'src/main/java/B.java', 'src/main/java/C.java'].map(failure),
    };
    expect(withModulePaths(report, read).failures.map((f) => f.file)).toEqual([
      'src/main/java/A.java',
      'm/src/main/java/B.java',
      'src/main/java/C.java',
    ]);
    const gradle = { ...report, runner: 'gradle' as const };
    expect(withModulePaths(gradle, read)).toBe(gradle);
  });
});
