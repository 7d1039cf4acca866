/**
 * The node:http transport of the inbox, in front of Probot's own middleware: it reads the body only after the
 * headers passed (a declared Content-Length over the cap is refused with 413 before a byte is read), counts the
 * bytes as they stream, bounds the bytes held in memory by all deliveries being read at once, and logs one line per
 * delivery (id, event, size — never the payload).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Inbox } from '../../jobs/index.js';
import {
  acceptDelivery,
  answer,
  headerProblem,
  type Answer,
  type DeliveryHeaders,
  type DeliveryNote,
} from './accept.js';

import { GITHUB_MAX_PAYLOAD_BYTES } from '../../config/index.js';
export { GITHUB_MAX_PAYLOAD_BYTES };

export interface InboxLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface InboxHttpOptions {
  inbox: Inbox;
  secret: string;
  /** Default `/api/github/webhooks` (Probot's). */
  path?: string;
  /** Largest body accepted; default GitHub's cap. */
  maxBytes?: number;
  /** Bytes of all bodies being read at once; past it a delivery gets 503 + Retry-After (GitHub retries later). */
  maxInflightBytes?: number;
  log: InboxLog;
  /** Called once per delivery after it was answered (metrics). */
  onDelivery?: (note: DeliveryNote) => void;
  /** The deliveries being read and stored right now, and when the last one was answered (triage defers to both). */
  traffic?: Traffic;
}

export interface Traffic {
  active: number;
  /** `performance.now()` when the last delivery was answered. */
  lastAnsweredAt: number;
}

/** How long after the last answer a burst counts as still arriving. */
const BURST_GAP_MS = 15;

/** Is a burst of deliveries being acknowledged? Triage waits while it is, so the answers do not wait for its CPU. */
export function inBurst(traffic: Traffic, now = performance.now()): boolean {
  return traffic.active > 0 || now - traffic.lastAnsweredAt < BURST_GAP_MS;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

class TooLarge extends Error {}

async function readCounted(req: IncomingMessage, declared: number, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > declared || size > max) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

export function inboxHandler(options: InboxHttpOptions): NodeHandler {
  const path = options.path ?? '/api/github/webhooks';
  const maxBytes = options.maxBytes ?? GITHUB_MAX_PAYLOAD_BYTES;
  const maxInflight = Math.max(options.maxInflightBytes ?? 4 * maxBytes, maxBytes);
  let inflight = 0;

  return async (req, res) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== path) return false;
    const started = performance.now();
    const traffic = options.traffic;
    if (traffic) traffic.active++;
    try {
      return await handle(req, res, started);
    } finally {
      if (traffic) {
        traffic.active--;
        traffic.lastAnsweredAt = performance.now();
      }
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse, started: number): Promise<boolean> {
    const headers: DeliveryHeaders = {
      event: header(req, 'x-github-event'),
      id: header(req, 'x-github-delivery'),
      signature: header(req, 'x-hub-signature-256'),
      contentType: header(req, 'content-type'),
    };
    const declared = Number(header(req, 'content-length'));
    let reply: Answer | null = headerProblem(headers);
    let reserved = 0;
    if (!reply && !(header(req, 'content-length') && Number.isInteger(declared) && declared >= 0))
      reply = answer(411, 'bad_request', 'a Content-Length header is required');
    else if (!reply && declared > maxBytes)
      reply = answer(413, 'too_large', `the body is over ${maxBytes} bytes (GitHub's webhook payload cap)`);
    else if (!reply && inflight + declared > maxInflight)
      reply = answer(503, 'busy', 'too many large deliveries at once', { 'retry-after': '5' });
    if (!reply) {
      reserved = declared;
      inflight += reserved;
      try {
        const body = await readCounted(req, declared, maxBytes);
        reply = await acceptDelivery(options.inbox, options.secret, headers, body, Date.now());
      } catch (error) {
        reply =
          error instanceof TooLarge
            ? answer(413, 'too_large', 'the body is longer than its Content-Length or the cap')
            : answer(400, 'bad_request', 'the body could not be read');
      } finally {
        inflight -= reserved;
      }
    }
    // A refused body is never read: close the connection instead of draining it.
    const close = reserved === 0 && reply.status >= 400 && declared > 0;
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      ...reply.headers,
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(reply.body);
    // Destroying the socket at once would reset it while the client's bytes are still arriving, and the reset can
    // discard the answer before the client reads it: discard what arrives (nothing is kept) for a moment instead.
    if (close) res.once('finish', () => (req.resume(), setTimeout(() => req.destroy(), 1_000).unref()));
    const note: DeliveryNote = {
      id: headers.id ?? '',
      event: headers.event ?? '',
      size: Number.isFinite(declared) ? declared : -1,
      outcome: reply.outcome,
      status: reply.status,
      ms: +(performance.now() - started).toFixed(2),
    };
    const fields = {
      delivery: note.id,
      event: note.event,
      size: note.size,
      status: note.status,
      outcome: note.outcome,
      ms: note.ms,
    };
    if (reply.status < 300) options.log.info(fields, 'webhook delivery accepted');
    else options.log.warn(fields, `webhook delivery refused: ${JSON.parse(reply.body).message as string}`);
    options.onDelivery?.(note);
    return true;
  }
}
