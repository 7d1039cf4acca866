/** Search/replace blocks with an exact-match check and errors that tell the model how to fix its request. */

export interface ReplaceBlock {
  search: string;
  replace: string;
}

export type ReplaceResult = { ok: true; content: string } | { ok: false; error: string };

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) return found;
    found.push(at);
    from = at + 1;
  }
}

/** Where the block's lines match when leading/trailing whitespace is ignored: the usual cause of a miss. */
function looseMatches(content: string, search: string): number[] {
  const want = search.split('\n').map((l) => l.trim());
  while (want.length > 0 && want[want.length - 1] === '') want.pop();
  while (want.length > 0 && want[0] === '') want.shift();
  if (want.length === 0) return [];
  const lines = content.split('\n').map((l) => l.trim());
  const starts: number[] = [];
  for (let i = 0; i + want.length <= lines.length; i++) {
    if (want.every((w, k) => lines[i + k] === w)) starts.push(i + 1);
  }
  return starts;
}

/** Lines of the file that contain the block's most distinctive line, for a hint. */
function closestLines(content: string, search: string): string {
  const candidates = search
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 3)
    .sort((a, b) => b.length - a.length);
  const lines = content.split('\n');
  for (const candidate of candidates) {
    const hits = lines.flatMap((l, i) => (l.includes(candidate) ? [i + 1] : []));
    if (hits.length > 0) {
      const first = hits[0]!;
      const from = Math.max(1, first - 2);
      const to = Math.min(lines.length, first + 2);
      const excerpt = lines
        .slice(from - 1, to)
        .map((l, k) => `${String(from + k).padStart(5)}| ${l}`)
        .join('\n');
      return ` The line "${candidate}" occurs at line ${hits.join(', ')}:\n${excerpt}`;
    }
  }
  return ' No line of the search text occurs in the file; read_file it again before editing.';
}

/** Applies the blocks in order; each search text must occur exactly once in the file as it is at that point. */
export function applyReplaceBlocks(path: string, content: string, blocks: ReplaceBlock[]): ReplaceResult {
  let text = content;
  for (const [index, block] of blocks.entries()) {
    const label = blocks.length > 1 ? `block ${index + 1}: ` : '';
    if (block.search === '') {
      return { ok: false, error: `${label}the search text is empty; to create a file use create_file.` };
    }
    const found = occurrences(text, block.search);
    if (found.length === 1) {
      const at = found[0]!;
      text = text.slice(0, at) + block.replace + text.slice(at + block.search.length);
      continue;
    }
    if (found.length > 1) {
      const lines = found.map((at) => lineOf(text, at));
      return {
        ok: false,
        error:
          `${label}the search text occurs ${found.length} times in ${path} (lines ${lines.join(', ')}); ` +
          'include more surrounding lines so it matches exactly one place.',
      };
    }
    const loose = looseMatches(text, block.search);
    if (loose.length > 0) {
      return {
        ok: false,
        error:
          `${label}no exact match in ${path}, but the same lines with different indentation or trailing spaces ` +
          `are at line ${loose.join(', ')}. Copy the text exactly as read_file shows it (without the line numbers).`,
      };
    }
    return {
      ok: false,
      error: `${label}no match for the search text in ${path}.${closestLines(text, block.search)}`,
    };
  }
  return { ok: true, content: text };
}
