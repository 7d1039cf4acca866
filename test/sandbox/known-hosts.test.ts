// known_hosts as OpenSSH writes and reads it: lines made by the real ssh-keygen (keys, hashed hosts with -H).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostMatches, knownHostName, parseKnownHosts, verifyHostKey } from '../../src/sandbox/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'mimo-known-hosts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function key(name: string): { line: string; blob: Buffer } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, name)]);
  const line = readFileSync(join(dir, `${name}.pub`), 'utf8')
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ');
  return { line, blob: Buffer.from(line.split(' ')[1]!, 'base64') };
}

const engine = key('engine');
const other = key('other');

describe('known_hosts', () => {
  it('names a host as ssh does: bare on port 22, [host]:port otherwise', () => {
    expect(knownHostName('engine.example', 22)).toBe('engine.example');
    expect(knownHostName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  it('matches comma-separated patterns with * and ?, and a matching !pattern excludes', () => {
    expect(hostMatches('engine.example,10.0.0.5', '10.0.0.5')).toBe(true);
    expect(hostMatches('*.example', 'ENGINE.example')).toBe(true);
    expect(hostMatches('engine?.example', 'engine1.example')).toBe(true);
    expect(hostMatches('engine?.example', 'engine12.example')).toBe(false);
    expect(hostMatches('*.example,!bad.example', 'bad.example')).toBe(false);
    expect(hostMatches('[10.0.0.5]:2222', '[10.0.0.5]:2222')).toBe(true);
    expect(hostMatches('[10.0.0.5]:2222', '10.0.0.5')).toBe(false);
    expect(hostMatches('10.0.0.5', '10.0.0.55')).toBe(false);
  });

  it('reads the hashed lines ssh-keygen -H writes, for exactly the host they hash', () => {
    const file = join(dir, 'known_hosts');
    writeFileSync(file, `[127.0.0.1]:2222 ${engine.line}\nengine.example ${other.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', file], { stdio: 'pipe' });
    const entries = parseKnownHosts(readFileSync(file, 'utf8'));
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => e.hosts.startsWith('|1|'))).toBe(true);
    expect(verifyHostKey(entries, '[127.0.0.1]:2222', engine.blob)).toBe('known');
    expect(verifyHostKey(entries, '127.0.0.1', engine.blob)).toBe('unknown');
    expect(verifyHostKey(entries, 'engine.example', other.blob)).toBe('known');
    expect(verifyHostKey(entries, 'engine.example', engine.blob)).toBe('changed');
  });

  it('tells unknown, changed and revoked apart, skipping comments and @cert-authority lines', () => {
    const entries = parseKnownHosts(
      [
        '# a comment',
        '',
        `@cert-authority *.example ${engine.line}`,
        `engine.example ${other.line} ops@laptop`,
        `@revoked * ${other.line}`,
      ].join('\n'),
    );
    expect(entries).toHaveLength(3);
    expect(verifyHostKey(entries, 'engine.example', other.blob)).toBe('revoked');
    expect(verifyHostKey(entries, 'engine.example', engine.blob)).toBe('changed');
    expect(verifyHostKey(entries, 'elsewhere.example', engine.blob)).toBe('unknown');
  });
});
