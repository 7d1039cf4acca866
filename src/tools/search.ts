import type { Workspace } from './workspace.js';

export interface SearchOptions {
  pattern: string;
  path?: string;
  regex: boolean;
  maxResults: number;
}

const MAX_LINE = 300;

/** Grep over the workspace files on the host (binary and huge files skipped), `path:line: text` per match. */
export async function searchWorkspace(
  workspace: Workspace,
  options: SearchOptions,
): Promise<{ ok: boolean; text: string }> {
  let matcher: (line: string) => boolean;
  if (options.regex) {
    let re: RegExp;
    try {
      re = new RegExp(options.pattern);
    } catch (error) {
      return { ok: false, text: `Invalid regular expression: ${(error as Error).message}` };
    }
    matcher = (line) => re.test(line.length > 2000 ? line.slice(0, 2000) : line);
  } else {
    matcher = (line) => line.includes(options.pattern);
  }
  const start = options.path ?? '.';
  const files = (await workspace.exists(start)) ? await workspace.list(start) : [];
  const single = files.length === 0 && (await workspace.readIfExists(start).catch(() => null)) !== null;
  const targets = single ? [workspace.normalize(start)] : files;
  const hits: string[] = [];
  let total = 0;
  for (const file of targets) {
    let text: string;
    try {
      text = await workspace.read(file);
    } catch {
      continue;
    }
    if (text.includes('\0')) continue;
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!matcher(lines[i]!)) continue;
      total++;
      if (hits.length < options.maxResults) {
        const line = lines[i]!.length > MAX_LINE ? `${lines[i]!.slice(0, MAX_LINE)}…` : lines[i]!;
        hits.push(`${file}:${i + 1}: ${line}`);
      }
    }
  }
  if (total === 0) return { ok: true, text: `No matches for ${JSON.stringify(options.pattern)}.` };
  const more = total > hits.length ? `\n… ${total - hits.length} more matches not shown.` : '';
  return { ok: true, text: hits.join('\n') + more };
}
