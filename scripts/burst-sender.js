// Sends a burst of webhook deliveries from a process of its own, as GitHub sends them from its own machines: on an
// IPC message {url, deliveries: [{body, headers}]} it POSTs them all at once, each over its own connection
// (node:http, no keep-alive), and answers {times} with each one's milliseconds from the start of its POST to the end
// of its response (or {error}). Used by bench/webhook.bench.js and the inbox's outside check (test/e2e/inbox.test.ts),
// so the sender's CPU is never the measured server's, nor shared with a test runner's.
import { request } from 'node:http';

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

process.on('message', async ({ url, deliveries }) => {
  try {
    process.send({ times: await Promise.all(deliveries.map((d) => send(url, d))) });
  } catch (error) {
    process.send({ error: String(error) });
  }
});
