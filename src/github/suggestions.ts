import { unifiedDiff, type FileEdit } from '../tools/index.js';

/** One review comment of a pull request review (the shape of `pulls.createReview`'s `comments[]`). */
export interface ReviewComment {
  path: string;
  /** Last line the suggestion replaces, in the PR head's file (the diff's RIGHT side). */
  line: number;
  side: 'RIGHT';
  /** First line, when the suggestion replaces more than one. */
  start_line?: number;
  start_side?: 'RIGHT';
  body: string;
}

export type SuggestionPlan =
  { ok: true; comments: ReviewComment[]; changedLines: number } | { ok: false; reason: string };

/** Lines of the head file a review may comment on: per path, each line's hunk index in the PR's diff. */
export type CommentableLines = Map<string, Map<number, number>>;

interface Hunk {
  oldStart: number;
  oldCount: number;
  added: string[];
}

function hunksOf(edit: FileEdit): Hunk[] {
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  for (const line of unifiedDiff(edit.path, edit.before, edit.after, 0).split('\n')) {
    const header = /^@@ -(\d+),(\d+) \+\d+,\d+ @@/.exec(line);
    if (header)
      hunks.push((current = { oldStart: Number(header[1]), oldCount: Number(header[2]), added: [] }));
    else if (current && line.startsWith('+') && !line.startsWith('+++')) current.added.push(line.slice(1));
  }
  return hunks;
}

/** A ```suggestion block whose fence is longer than any backtick run inside it. */
function suggestionBody(lines: string[]): string {
  const longest = Math.max(
    2,
    ...lines.map((l) => Math.max(0, ...(l.match(/`+/g) ?? []).map((m) => m.length))),
  );
  const fence = '`'.repeat(longest + 1);
  return `${fence}suggestion\n${lines.join('\n')}${lines.length ? '\n' : ''}${fence}`;
}

/** The PR diff's commentable lines from `pulls.listFiles` patches (context and added lines of the head side). */
export function commentableLines(files: { filename: string; patch?: string }[]): CommentableLines {
  const result: CommentableLines = new Map();
  for (const file of files) {
    const lines = new Map<number, number>();
    let hunk = -1;
    let next = 0;
    for (const line of (file.patch ?? '').split('\n')) {
      const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      if (header) {
        hunk++;
        next = Number(header[1]);
      } else if (hunk >= 0 && !line.startsWith('-') && !line.startsWith('\\')) {
        lines.set(next++, hunk);
      }
    }
    result.set(file.filename, lines);
  }
  return result;
}

/**
 * One suggestion per changed hunk of the fix, as review comments on the PR head's lines. A pure insertion is
 * suggested on the line next to it (kept, with the new lines). Not possible — and the caller opens a fix PR
 * instead — when a file is created or deleted, the fix changes more than `maxLines` lines, or a hunk falls
 * outside the PR's own diff (GitHub accepts review comments only on lines of the diff, within one hunk).
 */
export function planSuggestions(
  edits: FileEdit[],
  options: { maxLines: number; commentable: CommentableLines },
): SuggestionPlan {
  const comments: ReviewComment[] = [];
  let changedLines = 0;
  for (const edit of edits) {
    if (edit.before === null || edit.after === null)
      return { ok: false, reason: `the fix ${edit.before === null ? 'creates' : 'deletes'} ${edit.path}` };
    const old = edit.before.split('\n');
    for (const hunk of hunksOf(edit)) {
      changedLines += hunk.oldCount + hunk.added.length;
      let start: number;
      let end: number;
      let lines: string[];
      if (hunk.oldCount > 0) {
        start = hunk.oldStart;
        end = hunk.oldStart + hunk.oldCount - 1;
        lines = hunk.added;
      } else if (hunk.oldStart === 0) {
        start = end = 1; // inserted at the top: keep line 1 after the new lines
        lines = [...hunk.added, old[0] ?? ''];
      } else {
        start = end = hunk.oldStart; // inserted after this line: keep it before the new lines
        lines = [old[hunk.oldStart - 1] ?? '', ...hunk.added];
      }
      const allowed = options.commentable.get(edit.path);
      const hunkOfStart = allowed?.get(start);
      for (let n = start; n <= end; n++) {
        if (hunkOfStart === undefined || allowed?.get(n) !== hunkOfStart)
          return {
            ok: false,
            reason: `${edit.path} line ${n} is outside the pull request's diff, where GitHub takes no suggestion`,
          };
      }
      comments.push({
        path: edit.path,
        line: end,
        side: 'RIGHT',
        ...(start !== end ? { start_line: start, start_side: 'RIGHT' as const } : {}),
        body: suggestionBody(lines),
      });
    }
  }
  if (changedLines > options.maxLines)
    return {
      ok: false,
      reason: `the fix changes ${changedLines} lines, more than the ${options.maxLines} of \`delivery.maxSuggestionLines\``,
    };
  if (comments.length === 0) return { ok: false, reason: 'the fix changes nothing' };
  return { ok: true, comments, changedLines };
}
