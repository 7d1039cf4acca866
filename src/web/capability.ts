import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Capability links: a run page's URL carries HMAC-SHA256(secret, "run:" + job id), an installation's runs list
 * HMAC-SHA256(secret, "installation:" + id), so a link is unguessable, cannot be turned into another page's link,
 * and rotating the secret revokes every link at once. Nothing is stored per link.
 */
export class Capabilities {
  private readonly key: Buffer;

  /** `secret`: MIMO_RUNS_SECRET; without it a key derived from the webhook secret (never the secret itself). */
  constructor(options: { runsSecret?: string; webhookSecret?: string }) {
    if (options.runsSecret) this.key = Buffer.from(options.runsSecret, 'utf8');
    else if (options.webhookSecret)
      this.key = createHmac('sha256', options.webhookSecret).update('mimo-code run pages').digest();
    else throw new MissingRunsSecretError();
  }

  private sign(subject: string): string {
    return createHmac('sha256', this.key).update(subject).digest('base64url');
  }

  private verify(subject: string, token: string | undefined): boolean {
    if (!token) return false;
    const expected = Buffer.from(this.sign(subject));
    const given = Buffer.from(token);
    // timingSafeEqual needs equal lengths; comparing against itself keeps the time independent of the token.
    return (
      timingSafeEqual(expected, given.length === expected.length ? given : expected) &&
      given.length === expected.length
    );
  }

  runToken(jobId: string): string {
    return this.sign(`run:${jobId}`);
  }

  installationToken(installationId: number): string {
    return this.sign(`installation:${installationId}`);
  }

  checkRun(jobId: string, token: string | undefined): boolean {
    return this.verify(`run:${jobId}`, token);
  }

  checkInstallation(installationId: number, token: string | undefined): boolean {
    return this.verify(`installation:${installationId}`, token);
  }
}

/** Run pages need a key: without one nobody could open them safely. */
export class MissingRunsSecretError extends Error {
  override name = 'MissingRunsSecretError';
  constructor() {
    super(
      'run pages need MIMO_RUNS_SECRET (or WEBHOOK_SECRET, from which a key is derived); set one of them',
    );
  }
}

/** The paths of the pages (joined to MIMO_PUBLIC_URL for links). Job ids are URL-safe; they are encoded anyway. */
export function runPath(capabilities: Capabilities, jobId: string): string {
  return `/runs/${encodeURIComponent(jobId)}/${capabilities.runToken(jobId)}`;
}

export function installationPath(capabilities: Capabilities, installationId: number): string {
  return `/runs/installation/${installationId}/${capabilities.installationToken(installationId)}`;
}
