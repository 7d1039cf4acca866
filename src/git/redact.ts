// Keeps credentials out of every message, log line and error this organ produces.

/** The forms in which an installation token could appear in git's output: raw, Basic credential, header value. */
export function secretForms(token: string | undefined): string[] {
  if (!token) return [];
  const credential = Buffer.from(`x-access-token:${token}`).toString('base64');
  return [`Basic ${credential}`, credential, token];
}

/** Basic HTTP auth header value carrying an installation token (what github.com expects for git over HTTPS). */
export function authorizationHeader(token: string): string {
  return `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
}

const GENERIC: [RegExp, string][] = [
  // Any Authorization header, whatever the scheme.
  [/(authorization:\s*(?:basic|bearer|token)\s+)[^\s'"]+/gi, '$1***'],
  // Credentials embedded in a URL.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]+@/gi, '$1***@'],
  // GitHub token formats (installation, user-to-server, OAuth, personal, refresh, fine-grained).
  [/\bgh[opsur]_[A-Za-z0-9]{16,}\b/g, '***'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, '***'],
];

/** Replaces each secret (longest first) and anything shaped like a credential with `***`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of [...secrets].filter(Boolean).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  for (const [pattern, replacement] of GENERIC) out = out.replace(pattern, replacement);
  return out;
}
