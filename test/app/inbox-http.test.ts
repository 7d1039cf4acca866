// The inbox's HTTP path over a real node:http server and a real SQLite file: what GitHub (or a forger) gets back,
// what is stored, and what is logged.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteInbox } from '../../src/jobs/index.js';
import { inBurst, inboxHandler, type Traffic } from '../../src/app/inbox/http.js';
import type { DeliveryNote } from '../../src/app/inbox/accept.js';
import { rawPost } from './raw-http.js';

const SECRET = 'inbox-test-secret';
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('webhook inbox over HTTP', () => {
  let server: Server;
  let inbox: SqliteInbox;
  let url: string;
  let lines: string[];
  let notes: DeliveryNote[];

  async function listen(
    options: { maxBytes?: number; maxInflightBytes?: number; maxPending?: number; traffic?: Traffic } = {},
  ) {
    inbox = new SqliteInbox(join(mkdtempSync(join(tmpdir(), 'inbox-http-')), 'db.sqlite'), {
      maxPending: options.maxPending ?? 1000,
    });
    const log = {
      info: (obj: object, msg: string) => lines.push(JSON.stringify({ ...obj, msg })),
      warn: (obj: object, msg: string) => lines.push(JSON.stringify({ ...obj, msg })),
    };
    const handler = inboxHandler({
      inbox,
      secret: SECRET,
      log,
      onDelivery: (n) => notes.push(n),
      ...options,
    });
    server = createServer((req, res) => {
      void handler(req, res).then((taken) => taken || res.writeHead(404).end('next handler'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  }

  beforeEach(() => {
    lines = [];
    notes = [];
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await inbox.close();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issue_comment',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': sign(body),
        ...headers,
      },
    });

  it('answers 202 to a signed delivery and stores its raw body under its delivery id', async () => {
    await listen();
    const body = JSON.stringify({ action: 'created', comment: { body: '/mimo fix' } });
    const res = await post(body, { 'x-github-delivery': 'guid-1' });
    expect(res.status).toBe(202);
    const stored = await inbox.get('guid-1');
    expect(stored).toMatchObject({ id: 'guid-1', event: 'issue_comment', state: 'pending', payload: body });
    expect(notes).toEqual([
      expect.objectContaining({ id: 'guid-1', outcome: 'stored', status: 202, size: body.length }),
    ]);
  });

  it('counts a burst as arriving while a delivery is read and for a moment after the last answer', async () => {
    const traffic: Traffic = { active: 0, lastAnsweredAt: -Infinity };
    await listen({ traffic });
    expect(inBurst(traffic)).toBe(false);
    const body = JSON.stringify({ action: 'created' });
    expect((await post(body)).status).toBe(202);
    expect(traffic.active).toBe(0);
    const at = traffic.lastAnsweredAt;
    expect(at).toBeGreaterThan(0);
    expect(inBurst(traffic, at + 5)).toBe(true);
    expect(inBurst(traffic, at + 50)).toBe(false);
  });

  it('makes one record of a delivery id that arrives twice (GitHub redelivers with the same id)', async () => {
    await listen();
    const body = JSON.stringify({ action: 'created' });
    const first = await post(body, { 'x-github-delivery': 'same' });
    const second = await post(body, { 'x-github-delivery': 'same' });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(notes.map((n) => n.outcome)).toEqual(['stored', 'duplicate']);
    expect(await inbox.pendingCount()).toBe(1);
  });

  it('refuses a body signed with another secret, and one without a signature, storing nothing', async () => {
    await listen();
    const body = JSON.stringify({ action: 'created' });
    expect((await post(body, { 'x-hub-signature-256': sign(body, 'wrong') })).status).toBe(401);
    const unsigned = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toEqual({
      message: expect.stringMatching(/missing header.*x-github-event/),
    });
    expect(await inbox.pendingCount()).toBe(0);
  });

  it('refuses a declared length over the cap with 413 before reading a byte of the body', async () => {
    await listen({ maxBytes: 1024 });
    // Only the headers and 5 bytes are sent: the answer must come without waiting for 30 MB that never arrive.
    const req = rawPost(
      url,
      {
        'content-type': 'application/json',
        'content-length': String(30 * 1024 * 1024),
        'x-github-event': 'push',
        'x-github-delivery': 'big',
        'x-hub-signature-256': sign('x'),
      },
      '{"a":',
    );
    const status = await req.status;
    req.socket.destroy();
    expect(status).toBe(413);
    expect(await inbox.get('big')).toBeNull();
  });

  it('refuses a body longer than its declared length (counted as it streams)', async () => {
    await listen({ maxBytes: 1024 });
    const req = rawPost(
      url,
      {
        'content-type': 'application/json',
        'content-length': '10',
        'x-github-event': 'push',
        'x-github-delivery': 'liar',
        'x-hub-signature-256': sign('x'),
      },
      'x'.repeat(5000),
    );
    const status = await req.status;
    req.socket.destroy();
    // Node's parser stops at the declared length; the rest is not a valid request, so the delivery is refused.
    expect(status).not.toBe(202);
    expect(await inbox.get('liar')).toBeNull();
  });

  it('answers 503 with Retry-After when large bodies being read at once would exceed the memory budget', async () => {
    await listen({ maxBytes: 1000, maxInflightBytes: 1500 });
    const slow = rawPost(
      url,
      {
        'content-type': 'application/json',
        'content-length': '1000',
        'x-github-event': 'push',
        'x-github-delivery': 'slow',
        'x-hub-signature-256': sign('x'),
      },
      '{',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const body = 'x'.repeat(900);
    const res = await post(body);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    slow.socket.destroy();
  });

  it('answers 503 when the inbox is full, so GitHub records a failed delivery that recovery redelivers', async () => {
    await listen({ maxPending: 1 });
    expect((await post('{"a":1}')).status).toBe(202);
    const full = await post('{"a":2}');
    expect(full.status).toBe(503);
    expect(await full.json()).toEqual({ message: 'the inbox holds 1 deliveries waiting for triage' });
  });

  it('logs the delivery id, event and size, never the payload', async () => {
    await listen();
    const secretText = 'ghp_THIS_MUST_NOT_BE_LOGGED';
    await post(JSON.stringify({ action: 'created', comment: { body: secretText } }), {
      'x-github-delivery': 'g',
    });
    await post(JSON.stringify({ forged: secretText }), { 'x-hub-signature-256': sign('other') });
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain(secretText);
    expect(JSON.parse(lines[0]!)).toMatchObject({ delivery: 'g', event: 'issue_comment', status: 202 });
    expect(JSON.parse(lines[1]!)).toMatchObject({
      status: 401,
      msg: expect.stringMatching(/signature does not match/),
    });
  });

  it('refuses a body that is not JSON by content type and passes other paths and methods on', async () => {
    await listen();
    expect(
      (await post('payload=%7B%7D', { 'content-type': 'application/x-www-form-urlencoded' })).status,
    ).toBe(415);
    const other = await fetch(url.replace('/api/github/webhooks', '/healthz'));
    expect(await other.text()).toBe('next handler');
    const get = await fetch(url);
    expect(await get.text()).toBe('next handler');
  });
});
