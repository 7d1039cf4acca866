import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * OpenSSH's known_hosts, read the way `ssh` reads it for a host it connects to: `~/.ssh/known_hosts` then
 * `/etc/ssh/ssh_known_hosts`, plain and hashed (`|1|salt|hmac`) host fields, comma-separated patterns with `*`, `?`
 * and `!negation`, `[host]:port` for a port other than 22, and `@revoked` keys. `@cert-authority` lines are skipped:
 * host certificates are not supported, so such a host reads as unknown.
 */

export interface KnownHostEntry {
  marker?: '@revoked' | '@cert-authority';
  hosts: string;
  keyType: string;
  key: Buffer;
}

/** The verdict on a host key: known, unknown (no line for the host), changed (lines, none with this key), revoked. */
export type HostKeyVerdict = 'known' | 'unknown' | 'changed' | 'revoked';

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields.shift() : undefined;
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) continue;
    entries.push({
      ...(marker ? { marker: marker as KnownHostEntry['marker'] } : {}),
      hosts,
      keyType,
      key: Buffer.from(key, 'base64'),
    });
  }
  return entries;
}

/** How known_hosts names a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}

function hashedMatches(field: string, name: string): boolean {
  const [, kind, salt, hash] = field.split('|');
  if (kind !== '1' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Does the entry's host field name `name`? A matching `!pattern` excludes it, as in ssh. */
export function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|')) return hashedMatches(hosts, name);
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) matched = true;
  }
  return matched;
}

export function verifyHostKey(entries: KnownHostEntry[], name: string, key: Buffer): HostKeyVerdict {
  let seen = false;
  let known = false;
  for (const entry of entries) {
    if (entry.marker === '@cert-authority' || !hostMatches(entry.hosts, name)) continue;
    const same = entry.key.equals(key);
    if (entry.marker === '@revoked') {
      if (same) return 'revoked';
      continue;
    }
    seen = true;
    if (same) known = true;
  }
  return known ? 'known' : seen ? 'changed' : 'unknown';
}

/** The user's and the system's known_hosts files, those that can be read. */
export function readKnownHosts(home: string): KnownHostEntry[] {
  const files = [join(home, '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
  return files.flatMap((file) => {
    try {
      return parseKnownHosts(readFileSync(file, 'utf8'));
    } catch {
      return [];
    }
  });
}
