/**
 * JVM stack traces (Java, Kotlin, Scala, Groovy) shared by the Maven, Gradle and JUnit XML parsers. A frame
 * `at com.acme.Inventory.total(Inventory.java:14)` names a class and a file name, not a path: the path is
 * rebuilt from the package (`src/main/java/com/acme/Inventory.java`, `src/test/java/…` for test classes).
 */
import { withExpectedActual, type ErrorInfo } from '../extract.js';
import type { Frame } from '../types.js';
import { Memo } from '../memo.js';

const AT = /^\s*at (?:[\w.-]+(?:@[^/]*)?\/)*([\w$.<>]+)\.([\w$<>-]+)\(([^():]+?)(?::(\d+))?\)\s*$/;
const HEADER = /^\s*(?:Caused by: )?([a-zA-Z_$][\w$]*(?:\.[a-zA-Z_$][\w$]*)+)(?::\s?(.*))?$/;
const SOURCE_EXT: Record<string, string> = { java: 'java', kt: 'kotlin', scala: 'scala', groovy: 'groovy' };

// Packages of the runtime, the build tools and the test libraries: never the project's own code.
const LIBRARY =
  /^(java|javax|jdk|sun|com\.sun|kotlin|kotlinx|scala|groovy|org\.junit|junit|org\.opentest4j|org\.apache\.maven|org\.gradle|worker\.org\.gradle|org\.assertj|org\.hamcrest|org\.mockito|net\.bytebuddy|org\.testng|org\.spockframework|org\.codehaus\.groovy|io\.kotest|org\.springframework|reactor|io\.micronaut|org\.jetbrains|com\.intellij)\./;

export interface JvmContext {
  /** The failing test's class (`com.acme.InventoryTest`): its package prefix tells project frames apart. */
  testClass?: string;
}

/** True for class names that are tests by the usual conventions (Surefire's includes, Gradle's defaults). */
export function isTestClass(cls: string): boolean {
  const simple = cls.replace(/\$.*$/, '').replace(/^.*\./, '');
  return /^Test|(Test|Tests|TestCase|IT|ITCase|Spec)$/.test(simple);
}

/** The repository path of a source file named by a frame: `src/{main|test}/{java|kotlin}/<package>/<File>`. */
export function jvmSourcePath(cls: string, fileName: string): string | undefined {
  return SOURCE_PATHS.get(`${cls}\0${fileName}`);
}

// A long log repeats the same few frames thousands of times: the lookup is pure, so it is cached (bounded).
const SOURCE_PATHS = new Memo((key) => {
  const [cls, fileName] = key.split('\0') as [string, string];
  return sourcePath(cls, fileName);
}, 10_000);

function sourcePath(cls: string, fileName: string): string | undefined {
  const ext = /\.(\w+)$/.exec(fileName)?.[1];
  const lang = ext ? SOURCE_EXT[ext] : undefined;
  if (!lang) return undefined;
  const outer = cls.replace(/\$.*$/, '');
  const pkg = outer.includes('.') ? outer.slice(0, outer.lastIndexOf('.')) : '';
  const dir = pkg ? `${pkg.replace(/\./g, '/')}/` : '';
  return `src/${isTestClass(outer) ? 'test' : 'main'}/${lang}/${dir}${fileName}`;
}

/** What a frame line says whatever the failure it is in; `project` is memoised for the last test class asked. */
interface AtLine {
  cls: string;
  fn: string;
  fileName: string;
  path: string;
  line: number;
  library: boolean;
  projectFor: string | null;
  project: boolean;
}

// Framework frames (`at org.junit…`, `at java.base/…`) recur in every failure: each distinct line is parsed once.
const AT_LINES = new Memo(parseAtLine, 10_000);
const atLine = (line: string): AtLine | null => AT_LINES.get(line);

function parseAtLine(line: string): AtLine | null {
  const m = AT.exec(line);
  if (!m) return null;
  const [, cls, method, fileName, ln] = m;
  if (!ln) return null;
  const path = sourcePath(cls!, fileName!);
  if (!path) return null;
  const library = LIBRARY.test(cls!);
  return {
    cls: cls!,
    fn: `${cls}.${method}`,
    fileName: fileName!,
    path,
    line: Number(ln),
    library,
    projectFor: null,
    project: false,
  };
}

/** One `at …(File.java:N)` frame, or null. `inProject` follows the test class's package, else the library list. */
export function jvmFrame(line: string, ctx: JvmContext = {}): Frame | null {
  const at = atLine(line);
  if (!at) return null;
  let inProject = false;
  if (!at.library) {
    const testClass = ctx.testClass ?? '';
    if (at.projectFor !== testClass) {
      at.project = projectClass(at.cls, ctx);
      at.projectFor = testClass;
    }
    inProject = at.project;
  }
  // A library's frame keeps the file name it printed: its path is not in the repository.
  return { file: inProject ? at.path : at.fileName, line: at.line, function: at.fn, inProject };
}

function projectClass(cls: string, ctx: JvmContext): boolean {
  if (LIBRARY.test(cls)) return false;
  if (!ctx.testClass || !ctx.testClass.includes('.')) return true;
  const root = ctx.testClass.split('.').slice(0, 2).join('.');
  return cls === root || cls.startsWith(`${root}.`) || cls.startsWith(`${ctx.testClass.split('.')[0]}.`);
}

export function isJvmStackLine(line: string): boolean {
  return /^\s+at [\w$.]/.test(line) || /^\s+\.\.\. \d+ more$/.test(line);
}

/**
 * A JVM exception block: `pkg.Type: message` (message may run over several lines), `at` frames, `Caused by:`
 * chains. The innermost cause is the kind and message (that is what broke); frames are the first trace's,
 * innermost first, as the JVM prints them.
 */
export function parseJvmError(lines: string[], ctx: JvmContext = {}): ErrorInfo {
  let kind = '';
  const message: string[] = [];
  const frames: Frame[] = [];
  let inTrace = false;
  let firstTraceDone = false;
  for (const line of lines) {
    if (/^\s+at /.test(line)) {
      inTrace = true;
      if (firstTraceDone) continue;
      const f = jvmFrame(line, ctx);
      if (f) frames.push(f);
      continue;
    }
    if (/^\s+\.\.\. \d+ (more|common frames omitted)$/.test(line)) continue;
    const cause = /^\s*Caused by: /.test(line);
    if (cause || (!kind && HEADER.test(line))) {
      const h = HEADER.exec(line);
      if (h) {
        if (cause) firstTraceDone = true;
        kind = h[1]!;
        message.length = 0;
        if (h[2] !== undefined) message.push(h[2]);
        inTrace = false;
        continue;
      }
    }
    if (!inTrace && (kind || message.length || line.trim())) message.push(line);
  }
  const text = message.join('\n').trim();
  const info: ErrorInfo = { kind: shortKind(kind || 'Error'), message: text, frames };
  return jvmExpectedActual(info);
}

/** `org.opentest4j.AssertionFailedError` → `AssertionFailedError`: the simple name is what developers read. */
export function shortKind(kind: string): string {
  return kind.replace(/^.*\./, '');
}

/** JUnit 5 `expected: <6> but was: <5>`, JUnit 4 `expected:<6> but was:<5>`, AssertJ `expected: 6 … but was: 5`. */
export function jvmExpectedActual(info: ErrorInfo): ErrorInfo {
  const m = /expected:\s?<(.*)> but was:\s?<(.*)>/s.exec(info.message);
  if (m) {
    info.expected = m[1]!;
    info.actual = m[2]!;
    return info;
  }
  const assertj = /^\s*expected: (.+)\n\s*but was: (.+)$/m.exec(info.message);
  if (assertj) {
    info.expected = assertj[1]!.trim();
    info.actual = assertj[2]!.trim();
    return info;
  }
  return withExpectedActual(info);
}
