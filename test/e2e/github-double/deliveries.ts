// The double's webhook deliveries: every signed delivery it sends is logged as GitHub logs it (one attempt per
// POST, the guid shared by redeliveries), and served by the App webhook deliveries API (`GET /app/hook/deliveries`,
// `GET /app/hook/deliveries/{id}`, `POST /app/hook/deliveries/{id}/attempts`), validated like every other exchange.
import { createHmac, randomUUID } from 'node:crypto';
import type { RestResponse } from './rest.js';

export interface DeliveryAttempt {
  id: number;
  guid: string;
  event: string;
  action: string | null;
  body: string;
  target: string;
  deliveredAt: Date;
  redelivery: boolean;
  statusCode: number;
  durationS: number;
  installationId: number | null;
  repositoryId: number | null;
}

const notFound: RestResponse = {
  status: 404,
  body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
};

export class DeliveryLog {
  readonly attempts: DeliveryAttempt[] = [];
  private nextId = 9_000_000;

  constructor(private readonly secret: string) {}

  /** POSTs a signed delivery to `target` and logs the attempt (status 0 when the app could not be reached). */
  async send(
    target: string,
    event: string,
    body: string,
    guid: string = randomUUID(),
    redelivery = false,
  ): Promise<DeliveryAttempt> {
    const payload = JSON.parse(body) as {
      action?: string;
      installation?: { id?: number };
      repository?: { id?: number };
    };
    const signature = `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
    const started = Date.now();
    let statusCode: number;
    try {
      const response = await fetch(target, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-github-event': event,
          'x-github-delivery': guid,
          'x-hub-signature-256': signature,
        },
        signal: AbortSignal.timeout(10_000),
      });
      await response.text();
      statusCode = response.status;
    } catch {
      statusCode = 0; // connection refused or timed out: GitHub records the attempt as failed
    }
    const attempt: DeliveryAttempt = {
      id: ++this.nextId,
      guid,
      event,
      action: payload.action ?? null,
      body,
      target,
      deliveredAt: new Date(started),
      redelivery,
      statusCode,
      durationS: (Date.now() - started) / 1000,
      installationId: payload.installation?.id ?? null,
      repositoryId: payload.repository?.id ?? null,
    };
    this.attempts.push(attempt);
    return attempt;
  }

  private item(a: DeliveryAttempt) {
    return {
      id: a.id,
      guid: a.guid,
      delivered_at: a.deliveredAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      redelivery: a.redelivery,
      duration: a.durationS,
      status:
        a.statusCode >= 200 && a.statusCode < 300 ? 'OK' : a.statusCode ? `HTTP ${a.statusCode}` : 'timeout',
      status_code: a.statusCode,
      event: a.event,
      action: a.action,
      installation_id: a.installationId,
      repository_id: a.repositoryId,
    };
  }

  /** The `/app/hook/deliveries*` operations; null for any other path. */
  async handle(
    method: string,
    path: string,
    query: URLSearchParams,
    baseUrl: string,
  ): Promise<RestResponse | null> {
    if (method === 'GET' && path === '/app/hook/deliveries') {
      // Newest first, cursor-paginated with a Link header, as GitHub does.
      const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100);
      const newest = [...this.attempts].reverse();
      const cursor = query.get('cursor');
      const start = cursor ? newest.findIndex((a) => String(a.id) === cursor) : 0;
      if (start < 0) return { status: 200, body: [] };
      const page = newest.slice(start, start + perPage);
      const next = newest[start + perPage];
      const headers: Record<string, string> = next
        ? { link: `<${baseUrl}/app/hook/deliveries?per_page=${perPage}&cursor=${next.id}>; rel="next"` }
        : {};
      return { status: 200, body: page.map((a) => this.item(a)), headers };
    }
    const one = /^\/app\/hook\/deliveries\/(\d+)(\/attempts)?$/.exec(path);
    if (!one) return null;
    const attempt = this.attempts.find((a) => a.id === Number(one[1]));
    if (!attempt) return notFound;
    if (method === 'GET' && !one[2]) {
      return {
        status: 200,
        body: {
          ...this.item(attempt),
          url: attempt.target,
          request: {
            headers: { 'X-GitHub-Event': attempt.event, 'X-GitHub-Delivery': attempt.guid },
            payload: JSON.parse(attempt.body),
          },
          response: { headers: {}, payload: null },
        },
      };
    }
    if (method === 'POST' && one[2]) {
      // GitHub answers 202 and redelivers shortly after: the same guid, a new attempt.
      setTimeout(() => void this.send(attempt.target, attempt.event, attempt.body, attempt.guid, true), 20);
      return { status: 202, body: {} };
    }
    return null;
  }
}
