/**
 * The pure core of the webhook inbox: from a delivery's headers and raw body to the answer GitHub gets. It checks
 * the signature (HMAC-SHA256 over the raw body, compared in constant time) and persists the raw delivery; nothing
 * else — no GitHub call, no config read, no JSON parse of the body. The transport (node:http) is in http.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Inbox } from '../../jobs/index.js';

export type DeliveryOutcome =
  | 'stored'
  | 'duplicate'
  | 'inbox_full'
  | 'bad_signature'
  | 'bad_request'
  | 'too_large'
  | 'busy'
  | 'store_error';

/** One line per delivery for logs and metrics: never the payload. */
export interface DeliveryNote {
  id: string;
  event: string;
  size: number;
  outcome: DeliveryOutcome;
  status: number;
  ms: number;
}

export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
  outcome: DeliveryOutcome;
}

export interface DeliveryHeaders {
  event?: string;
  id?: string;
  signature?: string;
  contentType?: string;
}

const GITHUB_ID = /^[A-Za-z0-9._-]{1,100}$/;

export function answer(
  status: number,
  outcome: DeliveryOutcome,
  message: string,
  headers?: Record<string, string>,
): Answer {
  return { status, outcome, body: JSON.stringify({ message }), ...(headers ? { headers } : {}) };
}

/** `sha256=<hex>` of `body` under `secret`, compared without leaking where it differs. */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const given = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

/** Problems with the headers that make the body not worth reading; null when they look like GitHub's. */
export function headerProblem(headers: DeliveryHeaders): Answer | null {
  const missing = [
    ['x-github-event', headers.event],
    ['x-github-delivery', headers.id],
    ['x-hub-signature-256', headers.signature],
  ]
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) return answer(400, 'bad_request', `missing header(s): ${missing.join(', ')}`);
  if (!GITHUB_ID.test(headers.event!) || !GITHUB_ID.test(headers.id!))
    return answer(400, 'bad_request', 'x-github-event and x-github-delivery must be short identifiers');
  const type = (headers.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    return answer(
      415,
      'bad_request',
      'the webhook content type must be application/json (set it in the App settings)',
    );
  return null;
}

/** Verifies and persists one delivery whose body has been read whole (within the size cap). */
export async function acceptDelivery(
  inbox: Inbox,
  secret: string,
  headers: DeliveryHeaders,
  body: Buffer,
  now: number,
): Promise<Answer> {
  const problem = headerProblem(headers);
  if (problem) return problem;
  if (!signatureMatches(secret, body, headers.signature))
    return answer(401, 'bad_signature', 'signature does not match (check WEBHOOK_SECRET)');
  try {
    const put = await inbox.put({
      id: headers.id!,
      event: headers.event!,
      payload: body.toString('utf8'),
      receivedAt: now,
    });
    if (put.kind === 'stored') return answer(202, 'stored', 'accepted');
    if (put.kind === 'duplicate') return answer(202, 'duplicate', 'already received');
    // GitHub records the failure; recovery asks for a redelivery once the inbox has room.
    return answer(503, 'inbox_full', `the inbox holds ${put.pending} deliveries waiting for triage`, {
      'retry-after': '60',
    });
  } catch {
    return answer(500, 'store_error', 'the delivery could not be stored');
  }
}
