/** Who and what may trigger a repair: the app never reacts to itself, and other bots only when allow-listed. */
import { globMatcher } from '../config/globs.js';

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

/** Branch globs (picomatch, the whole name: see config/globs.ts): `*` stays inside one segment, `**` crosses them. */
export function matchesGlob(value: string, glob: string): boolean {
  return globMatcher(glob, 'exact')(value);
}

export function branchAllowed(
  branch: string,
  include: readonly string[],
  exclude: readonly string[],
): boolean {
  return include.some((g) => matchesGlob(branch, g)) && !exclude.some((g) => matchesGlob(branch, g));
}
