/**
 * Maven before 3.9 names a reactor module only by its `<name>`/artifactId (`Building text 1.0-SNAPSHOT`), which
 * need not be its folder, so a frame's `src/main/java/…` path stays module-relative in the parse. With the
 * repository at hand, the module folders are read from the root pom's `<modules>` (and the modules' own, for
 * nested aggregators) and a path that is not a root file gets the folder of the module that holds it.
 */
import { safeRead } from './declarations.js';
import type { SourceReader } from './parse.js';
import type { Failure, Frame, TestReport } from './types.js';

const MAX_DEPTH = 4;
const MAX_MODULES = 500;

/** Module folders of the reactor rooted at the repository's `pom.xml`, nested ones included, root first. */
export function reactorModules(read: SourceReader): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH || found.length >= MAX_MODULES) return;
    const pom = safeRead(read, dir ? `${dir}/pom.xml` : 'pom.xml');
    if (pom === null) return;
    for (const m of modulesOf(pom)) {
      const child = normalize(dir ? `${dir}/${m}` : m);
      if (!child || found.includes(child)) continue;
      found.push(child);
      visit(child, depth + 1);
    }
  };
  visit('', 0);
  return found;
}

/** The `<module>` entries of a pom (profiles' too: a CI job often activates one), comments removed. */
export function modulesOf(pom: string): string[] {
  const text = pom.replace(/<!--[\s\S]*?-->/g, '');
  return [...text.matchAll(/<module>\s*([^<]+?)\s*<\/module>/g)].map((m) => m[1]!.replace(/\/pom\.xml$/, ''));
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (!part || part === '.') continue;
    if (part === '..') {
      if (!out.length) return '';
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

/** Gives module-relative `src/…` paths of a Maven or JUnit report their module folder, where one holds the file. */
export function withModulePaths(report: TestReport, read: SourceReader): TestReport {
  if (report.runner !== 'maven' && report.runner !== 'junit') return report;
  const relative = (file: string | undefined): file is string => !!file && file.startsWith('src/');
  if (!report.failures.some((f) => relative(f.file) || f.frames.some((x) => relative(x.file)))) return report;
  const modules = reactorModules(read);
  if (!modules.length) return report;
  const cache = new Map<string, string>();
  const resolve = (file: string): string => {
    let hit = cache.get(file);
    if (hit === undefined) {
      hit = file;
      if (safeRead(read, file) === null) {
        const holder = modules.find((m) => safeRead(read, `${m}/${file}`) !== null);
        if (holder) hit = `${holder}/${file}`;
      }
      cache.set(file, hit);
    }
    return hit;
  };
  const failures = report.failures.map((f): Failure => {
    const frames = f.frames.map((x): Frame => (relative(x.file) ? { ...x, file: resolve(x.file) } : x));
    return relative(f.file) ? { ...f, file: resolve(f.file), frames } : { ...f, frames };
  });
  return { ...report, failures };
}
