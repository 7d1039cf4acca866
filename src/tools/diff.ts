import type { FileEdit } from './workspace.js';

type Op = { kind: ' ' | '-' | '+'; line: string; oldNo: number; newNo: number };

function splitLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Line operations turning `a` into `b`: common prefix/suffix trimmed, LCS on the middle (bounded). */
function diffLines(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: ' ', line: a[i]!, oldNo: i + 1, newNo: i + 1 });
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const n = midA.length;
  const m = midB.length;
  if (n * m > 4_000_000) {
    midA.forEach((line, i) => ops.push({ kind: '-', line, oldNo: start + i + 1, newNo: start }));
    midB.forEach((line, j) => ops.push({ kind: '+', line, oldNo: start, newNo: start + j + 1 }));
  } else {
    const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i]![j] =
          midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && midA[i] === midB[j]) {
        ops.push({ kind: ' ', line: midA[i]!, oldNo: start + i + 1, newNo: start + j + 1 });
        i++;
        j++;
      } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
        ops.push({ kind: '-', line: midA[i]!, oldNo: start + i + 1, newNo: start + j });
        i++;
      } else {
        ops.push({ kind: '+', line: midB[j]!, oldNo: start + i, newNo: start + j + 1 });
        j++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) {
    ops.push({ kind: ' ', line: a[endA + k]!, oldNo: endA + k + 1, newNo: endB + k + 1 });
  }
  return ops;
}

/** A unified diff (`git diff` style) of one file; empty when nothing changed. */
export function unifiedDiff(path: string, before: string | null, after: string | null, context = 3): string {
  if (before === after) return '';
  const ops = diffLines(splitLines(before), splitLines(after));
  const changed = ops.map((op, i) => (op.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  if (changed.length === 0) return '';
  const header = [
    `--- ${before === null ? '/dev/null' : `a/${path}`}`,
    `+++ ${after === null ? '/dev/null' : `b/${path}`}`,
  ];
  const hunks: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k]! - context);
    let to = Math.min(ops.length - 1, changed[k]! + context);
    while (k + 1 < changed.length && changed[k + 1]! - context <= to + 1) {
      k++;
      to = Math.min(ops.length - 1, changed[k]! + context);
    }
    k++;
    const slice = ops.slice(from, to + 1);
    const oldLines = slice.filter((op) => op.kind !== '+').length;
    const newLines = slice.filter((op) => op.kind !== '-').length;
    const first = slice[0]!;
    const oldStart = oldLines === 0 ? first.oldNo : first.kind === '+' ? first.oldNo + 1 : first.oldNo;
    const newStart = newLines === 0 ? first.newNo : first.kind === '-' ? first.newNo + 1 : first.newNo;
    hunks.push(`@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`);
    for (const op of slice) hunks.push(`${op.kind}${op.line}`);
  }
  return [...header, ...hunks].join('\n') + '\n';
}

/** The unified diff of all edits, in path order. */
export function diffOfEdits(edits: FileEdit[]): string {
  return edits.map((e) => unifiedDiff(e.path, e.before, e.after)).join('');
}

/** Line numbers (1-based, in the new text) that were added or changed. */
export function changedLineNumbers(before: string | null, after: string | null): number[] {
  return diffLines(splitLines(before), splitLines(after))
    .filter((op) => op.kind === '+')
    .map((op) => op.newNo);
}

/** Lines removed from the old text (their content), e.g. to see whether an assertion was deleted. */
export function removedLines(before: string | null, after: string | null): string[] {
  return diffLines(splitLines(before), splitLines(after))
    .filter((op) => op.kind === '-')
    .map((op) => op.line);
}

/** Added and removed line counts over all edits. */
export function diffStats(edits: FileEdit[]): { files: number; added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const e of edits) {
    for (const op of diffLines(splitLines(e.before), splitLines(e.after))) {
      if (op.kind === '+') added++;
      else if (op.kind === '-') removed++;
    }
  }
  return { files: edits.length, added, removed };
}
