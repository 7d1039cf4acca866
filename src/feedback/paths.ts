import { Memo } from './memo.js';
import type { Frame } from './types.js';

// Locations that belong to a framework, a dependency, the language runtime or its standard library.
const OUTSIDE = [
  /(^|[\\/])node_modules[\\/]/,
  /(^|[\\/])(site|dist)-packages[\\/]/,
  /^node:/,
  /^internal[\\/]/,
  /^<.*>$/,
  /^\[.*\]$/,
  /[\\/]lib[\\/](pypy|python)\d+(\.\d+)?[\\/]/,
  /^\/usr\/(local\/)?lib\//,
  /[\\/]rustc[\\/][0-9a-f]{7,}[\\/]/,
  /(^|[\\/])library[\\/](std|core|alloc|test)[\\/]src[\\/]/,
  /[\\/]\.cargo[\\/]registry[\\/]/,
  /[\\/]\.rustup[\\/]/,
  /[\\/]go(-\d+(\.\d+)*)?[\\/]src[\\/](runtime|testing|reflect|sync|time|internal|fmt|os)[\\/]/,
  /[\\/]pkg[\\/]mod[\\/]/,
  /^_testmain\.go$/,
  /(^|[\\/])vendor[\\/]/,
  /[\\/]gems[\\/]/,
  /^\/usr\/share\//,
  /^(native|anonymous|unknown location|evalmachine\.<anonymous>)$/,
];

// A log names the same few files in frame after frame: each distinct path is tested against OUTSIDE once.
const PROJECT_PATHS = new Memo((file) => !OUTSIDE.some((re) => re.test(file)));

/** True when a printed path is the project's own code, not a framework, dependency or runtime file. */
export function isProjectPath(file: string): boolean {
  return !!file && PROJECT_PATHS.get(file);
}

export function frame(file: string, line: number, fn?: string): Frame {
  const f: Frame = { file, line, inProject: isProjectPath(file) };
  if (fn) f.function = fn;
  return f;
}

/** The innermost project location among frames (frames are innermost first). */
export function innermost(frames: Frame[]): { file: string; line: number } | undefined {
  const inner = frames.find((f) => f.inProject);
  return inner ? { file: inner.file, line: inner.line } : undefined;
}

// A source path named in a message, e.g. `imported from /app/src/x.mjs` or `(/app/test/a.test.js)`.
const PATH_IN_TEXT =
  /(?:^|[\s('"`])((?:\/|\.{1,2}\/)?(?:[\w@.-]+\/)*[\w@.-]+\.(?:[cm]?[jt]sx?|py|go|rs))(?=$|[\s)'"`:,])/g;

/** The last project source path mentioned in a text (no line): a location when no frame has one. */
export function pathInText(text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(PATH_IN_TEXT)) if (isProjectPath(m[1]!)) last = m[1];
  return last;
}
