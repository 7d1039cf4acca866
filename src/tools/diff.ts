import { diffLines, structuredPatch, type StructuredPatchHunk } from 'diff';
import type { FileEdit } from './workspace.js';

/**
 * Line diffs through jsdiff (Myers): the unified diff of the iteration log, the fix PR and `mimo eval`'s patches
 * (applicable with `patch -p1` and `git apply`, "\ No newline at end of file" included), and the line-level facts
 * the score and the anti-cheat rules read. Beyond MAX_EDIT_LENGTH changed lines (Myers costs O(N·D): 30,000 lines
 * against 2,000 edits took 0.7 s) jsdiff gives up and the change is
 * shown as the whole old text replaced by the whole new one (still a correct patch, only less readable).
 */
const MAX_EDIT_LENGTH = 1_000;

function hunksOf(before: string, after: string, context: number): StructuredPatchHunk[] {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context, maxEditLength: MAX_EDIT_LENGTH });
  if (patch) return patch.hunks;
  const side = (text: string, mark: '-' | '+') => {
    if (text === '') return [];
    const lines = text
      .replace(/\n$/, '')
      .split('\n')
      .map((line) => `${mark}${line}`);
    return text.endsWith('\n') ? lines : [...lines, '\\ No newline at end of file'];
  };
  const removed = side(before, '-');
  const added = side(after, '+');
  const count = (lines: string[]) => lines.filter((l) => !l.startsWith('\\')).length;
  return [
    {
      oldStart: 1,
      oldLines: count(removed),
      newStart: 1,
      newLines: count(added),
      lines: [...removed, ...added],
    },
  ];
}

/** A unified diff (`git diff` style) of one file; empty when nothing changed. */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 3): string {
  if (before === after) return '';
  const hunks = hunksOf(before ?? '', after ?? '', context);
  if (hunks.length === 0) return '';
  const out = [
    `--- ${before === null ? '/dev/null' : `a/${path}`}`,
    `+++ ${after === null ? '/dev/null' : `b/${path}`}`,
  ];
  for (const h of hunks) {
    // An empty side starts at line 0, as git and patch write it.
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    out.push(`@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@`, ...h.lines);
  }
  return out.join('\n') + '\n';
}

/** The unified diff of all edits, in path order. */
export function diffOfEdits(edits: FileEdit[]): string {
  return edits.map((e) => unifiedDiff(e.path, e.before, e.after)).join('');
}

interface LineOp {
  kind: '+' | '-';
  line: string;
  /** 1-based line number in the new text (added lines) or in the old text (removed lines). */
  no: number;
}

/** Added and removed lines; a last line that differs only by its newline is not a change. */
function lineOps(before: string | null, after: string | null): LineOp[] {
  const withNewline = (text: string | null) => (!text ? '' : text.endsWith('\n') ? text : `${text}\n`);
  const changes = diffLines(withNewline(before), withNewline(after), { maxEditLength: MAX_EDIT_LENGTH });
  const ops: LineOp[] = [];
  const push = (kind: '+' | '-', value: string, from: number) =>
    value
      .slice(0, -1)
      .split('\n')
      .forEach((line, i) => ops.push({ kind, line, no: from + i }));
  if (!changes) {
    push('-', withNewline(before), 1);
    push('+', withNewline(after), 1);
    return ops;
  }
  let oldNo = 1;
  let newNo = 1;
  for (const change of changes) {
    const count = change.count ?? 0;
    if (change.added) {
      push('+', change.value, newNo);
      newNo += count;
    } else if (change.removed) {
      push('-', change.value, oldNo);
      oldNo += count;
    } else {
      oldNo += count;
      newNo += count;
    }
  }
  return ops;
}

/** Line numbers (1-based, in the new text) that were added or changed. */
export function changedLineNumbers(before: string | null, after: string | null): number[] {
  return lineOps(before, after)
    .filter((op) => op.kind === '+')
    .map((op) => op.no);
}

/** Lines removed from the old text (their content), e.g. to see whether an assertion was deleted. */
export function removedLines(before: string | null, after: string | null): string[] {
  return lineOps(before, after)
    .filter((op) => op.kind === '-')
    .map((op) => op.line);
}

/** Added and removed line counts over all edits. */
export function diffStats(edits: FileEdit[]): { files: number; added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const e of edits) {
    for (const op of lineOps(e.before, e.after)) {
      if (op.kind === '+') added++;
      else removed++;
    }
  }
  return { files: edits.length, added, removed };
}
