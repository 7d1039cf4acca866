/** Who and what may trigger a repair: the app never reacts to itself, and other bots only when allow-listed. */

export interface Sender {
  login: string;
  type: string;
}

/** Fix branches the app pushes: `mimo/fix-<n>-<sha7>`. */
export const FIX_BRANCH_PREFIX = 'mimo/fix-';

export function isOwnEvent(sender: Sender, appSlug: string): boolean {
  return sender.login.toLowerCase() === `${appSlug}[bot]`.toLowerCase();
}

export function isBlockedBot(sender: Sender, allowBots: readonly string[]): boolean {
  const isBot = sender.type === 'Bot' || sender.login.endsWith('[bot]');
  return isBot && !allowBots.some((allowed) => allowed.toLowerCase() === sender.login.toLowerCase());
}

export function isFixBranch(ref: string): boolean {
  return ref.startsWith(FIX_BRANCH_PREFIX);
}

/** Branch globs: `*` stays inside one path segment, `**` crosses them. */
export function matchesGlob(value: string, glob: string): boolean {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      pattern += '.*';
      i++;
    } else if (ch === '*') pattern += '[^/]*';
    else if (ch === '?') pattern += '[^/]';
    else pattern += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`).test(value);
}

export function branchAllowed(
  branch: string,
  include: readonly string[],
  exclude: readonly string[],
): boolean {
  return include.some((g) => matchesGlob(branch, g)) && !exclude.some((g) => matchesGlob(branch, g));
}
