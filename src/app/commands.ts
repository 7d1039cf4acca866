/**
 * `/mimo fix|stop|status|help [instructions]` in a comment. Only a line that starts with the command counts:
 * quoted lines (`> /mimo fix`), code blocks and mentions inside a sentence are ignored, so quoting a command
 * in a reply does not run it again. The instructions are data for the prompt, never executed.
 */
export type MimoCommandName = 'fix' | 'stop' | 'status' | 'help';

export type ParsedCommand =
  { name: MimoCommandName; instructions: string } | { name: 'unknown'; word: string; instructions: string };

const COMMANDS: readonly MimoCommandName[] = ['fix', 'stop', 'status', 'help'];
const MAX_INSTRUCTIONS = 2000;

export function parseCommand(body: string, prefix = '/mimo'): ParsedCommand | null {
  let inFence = false;
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (/^(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || !line.toLowerCase().startsWith(prefix)) continue;
    const rest = line.slice(prefix.length);
    if (rest !== '' && !/^\s/.test(rest)) continue; // `/mimosa` is not a command
    const [word = 'help', ...args] = rest.trim().split(/\s+/).filter(Boolean);
    const following = lines
      .slice(i + 1)
      .join('\n')
      .trim();
    const instructions = [args.join(' '), following].filter(Boolean).join('\n').slice(0, MAX_INSTRUCTIONS);
    const name = word.toLowerCase();
    return (COMMANDS as readonly string[]).includes(name)
      ? { name: name as MimoCommandName, instructions }
      : { name: 'unknown', word, instructions };
  }
  return null;
}

export function helpText(prefix = '/mimo'): string {
  return [
    '**mimo-code** repairs failing tests and opens a pull request with the full iteration log.',
    '',
    '| Command | What it does |',
    '| --- | --- |',
    `| \`${prefix} fix [instructions]\` | On a pull request: repair its failing tests. On an issue: write a reproduction test and fix it. Extra text is passed to the agent as a hint. |`,
    `| \`${prefix} stop\` | Stop the running repair; its log so far is kept. |`,
    `| \`${prefix} status\` | Show the state of repairs for this pull request or issue. |`,
    `| \`${prefix} help\` | This message. |`,
    '',
    'Only users with write access can trigger repairs. Settings live in `.github/mimo.yml`.',
  ].join('\n');
}
