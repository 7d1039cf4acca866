/**
 * Just enough of source maps (v3) to turn lines of generated code back into lines of the original file: the
 * `mappings` VLQ segments, read per generated line. For code a runner transformed before running it (babel-jest),
 * whose inline map (`//# sourceMappingURL=data:…;base64,…`) the transformer appended.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    if (digit < 0) return out;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export interface LineMap {
  /** 1-based original lines of each 1-based generated line (of the map's first source). */
  original(generatedLine: number): number[];
}

/** The inline source map at the end of generated code, or null. */
export function inlineSourceMap(code: string): { mappings: string; sources?: string[] } | null {
  const all = [
    ...code.matchAll(
      /\/\/[#@] sourceMappingURL=data:application\/json;(?:charset=[\w-]+;)?base64,([A-Za-z0-9+/=]+)/g,
    ),
  ];
  const m = all.at(-1);
  if (!m) return null;
  try {
    return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as { mappings: string };
  } catch {
    return null;
  }
}

/** Generated line → original lines, from a map's `mappings` (segments of source index 0 only). */
export function lineMap(mappings: string): LineMap {
  const byLine: number[][] = [];
  let source = 0;
  let originalLine = 0;
  mappings.split(';').forEach((line, i) => {
    const lines = new Set<number>();
    for (const segment of line.split(',')) {
      if (!segment) continue;
      const fields = decodeVlq(segment);
      if (fields.length < 4) continue;
      source += fields[1]!;
      originalLine += fields[2]!;
      if (source === 0) lines.add(originalLine + 1);
    }
    byLine[i + 1] = [...lines];
  });
  return { original: (generatedLine) => byLine[generatedLine] ?? [] };
}
