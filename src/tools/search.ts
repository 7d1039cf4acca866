import { RE2JS } from 're2js';
import type { Workspace } from './workspace.js';

export interface SearchOptions {
  pattern: string;
  path?: string;
  regex: boolean;
  maxResults: number;
  /** Wall time of the whole search (default 10 s): past it, the matches found so far and a note. */
  deadlineMs?: number;
}

const MAX_LINE = 300;
const MAX_MATCHED_LINE = 2000;
const DEFAULT_DEADLINE_MS = 10_000;
/** Longest stretch of matching before the event loop gets a turn (webhooks and timers share it in the app). */
const SLICE_MS = 15;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The model's regular expressions run on RE2JS, a linear-time engine (RE2 semantics: no backreferences or
 * lookaround), so a pattern such as `^(a+)+$` cannot backtrack for ages; plain text uses `includes`.
 */
function compile(options: SearchOptions): ((line: string) => boolean) | string {
  if (!options.regex) return (line) => line.includes(options.pattern);
  let re: RE2JS;
  try {
    re = RE2JS.compile(options.pattern);
  } catch (error) {
    return (
      `Invalid regular expression: ${(error as Error).message}. Patterns use RE2 syntax (linear time): no ` +
      'backreferences or lookaround; search for plain text or a simpler pattern instead.'
    );
  }
  return (line) => re.test(line.length > MAX_MATCHED_LINE ? line.slice(0, MAX_MATCHED_LINE) : line);
}

/**
 * Grep over the workspace files on the host (binary and huge files skipped), `path:line: text` per match. Long
 * searches yield to the event loop every few milliseconds and stop at a deadline, saying how far they got.
 */
export async function searchWorkspace(
  workspace: Workspace,
  options: SearchOptions,
): Promise<{ ok: boolean; text: string }> {
  const matcher = compile(options);
  if (typeof matcher === 'string') return { ok: false, text: matcher };
  const deadline = Date.now() + (options.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const start = options.path ?? '.';
  const files = (await workspace.exists(start)) ? await workspace.list(start) : [];
  const single = files.length === 0 && (await workspace.readIfExists(start).catch(() => null)) !== null;
  const targets = single ? [workspace.normalize(start)] : files;
  const hits: string[] = [];
  let total = 0;
  let searched = 0;
  let sliceStart = Date.now();
  let stopped = false;
  for (const file of targets) {
    let text: string;
    try {
      text = await workspace.read(file);
    } catch {
      continue;
    }
    if (text.includes('\0')) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length && !stopped; i++) {
      // Checked on every line: one long line can take milliseconds even in linear time.
      const now = Date.now();
      if (now >= deadline) {
        stopped = true;
        break;
      }
      if (now - sliceStart > SLICE_MS) {
        await yieldToLoop();
        sliceStart = Date.now();
      }
      if (!matcher(lines[i]!)) continue;
      total++;
      if (hits.length < options.maxResults) {
        const line = lines[i]!.length > MAX_LINE ? `${lines[i]!.slice(0, MAX_LINE)}…` : lines[i]!;
        hits.push(`${file}:${i + 1}: ${line}`);
      }
    }
    if (stopped) break;
    searched++;
  }
  const cut = stopped
    ? `\n… the search stopped at its time limit (${Math.round((options.deadlineMs ?? DEFAULT_DEADLINE_MS) / 1000)} s) after ${searched} of ${targets.length} file(s); narrow the path or simplify the pattern.`
    : '';
  if (total === 0) return { ok: !stopped, text: `No matches for ${JSON.stringify(options.pattern)}.${cut}` };
  const more = total > hits.length ? `\n… ${total - hits.length} more matches not shown.` : '';
  return { ok: true, text: hits.join('\n') + more + cut };
}
