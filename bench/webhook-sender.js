// The sender of bench/webhook.bench.js, in its own process as GitHub is on its own machine: on IPC message
// {url, count, secret} it builds and signs `count` `/mimo fix` deliveries first (untimed), sends them at once,
// each over its own connection (node:http, no keep-alive), and answers with each one's milliseconds from the
// start of its POST to the end of its response.
import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const examples = require('@octokit/webhooks-examples');
const template = examples.find((e) => e.name === 'issue_comment').examples[0];
let pr = 1;

function signed(secret) {
  const body = JSON.stringify({
    ...structuredClone(template),
    installation: { id: 1 },
    issue: { ...template.issue, number: pr++, pull_request: { url: 'x' } },
    comment: { ...template.comment, body: '/mimo fix' },
  });
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-github-event': 'issue_comment',
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
    },
  };
}

function send(url, delivery) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { method: 'POST', headers: delivery.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 202
          ? resolve(performance.now() - start)
          : reject(new Error(`delivery answered ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(delivery.body);
  });
}

process.on('message', async ({ url, count, secret }) => {
  try {
    const deliveries = Array.from({ length: count }, () => signed(secret));
    process.send({ times: await Promise.all(deliveries.map((d) => send(url, d))) });
  } catch (error) {
    process.send({ error: String(error) });
  }
});
