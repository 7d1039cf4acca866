/**
 * The egress proxy's program, run by `node` inside the proxy container (the runner image has Node). It is kept as
 * source text so that it can be copied into a container on any engine (local, remote, rootless) with the archive
 * API: no host path is mounted. It depends on nothing but Node's standard library.
 *
 * What it allows: CONNECT (and plain absolute-URI HTTP requests) to a host name on the allow-list, on ports 80/443,
 * whose every resolved address is a public one. It connects to the address it checked (no second lookup, so a DNS
 * answer cannot be swapped for an internal address between check and connect). Every decision is one JSON line on
 * stdout: the sandbox reads them back into the iteration log.
 */
export const PROXY_SCRIPT = String.raw`'use strict';
const net = require('node:net');
const http = require('node:http');
const dns = require('node:dns').promises;

const PORT = Number(process.env.MIMO_EGRESS_PORT || 3128);
const ALLOW = (process.env.MIMO_EGRESS_ALLOW || '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const PORTS = new Set([80, 443]);

function say(entry) {
  process.stdout.write(JSON.stringify({ ts: new Date().toISOString(), ...entry }) + '\n');
}

function hostAllowed(host) {
  host = host.toLowerCase().replace(/\.$/, '');
  if (net.isIP(host)) return false;
  return ALLOW.some((p) => (p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p));
}

function v4(a) {
  const p = a.split('.').map(Number);
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}
const V4_DENY = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
].map(([base, bits]) => [v4(base), bits]);

function publicAddress(address) {
  if (net.isIPv4(address)) {
    const n = v4(address);
    return !V4_DENY.some(([base, bits]) => (n >>> (32 - bits)) === (base >>> (32 - bits)));
  }
  const a = address.toLowerCase();
  if (a.startsWith('::ffff:')) return publicAddress(a.slice(7));
  if (a === '::' || a === '::1') return false;
  return !/^(fc|fd|fe[89ab]|ff)/.test(a);
}

async function resolve(host, port) {
  if (!PORTS.has(port)) return { ok: false, reason: 'port ' + port + ' is not allowed' };
  if (!hostAllowed(host)) return { ok: false, reason: 'host is not on the allow-list' };
  let addresses;
  try {
    addresses = await dns.lookup(host, { all: true });
  } catch (error) {
    return { ok: false, reason: 'DNS lookup failed: ' + error.code };
  }
  const bad = addresses.find((a) => !publicAddress(a.address));
  if (bad) return { ok: false, reason: 'resolves to a non-public address ' + bad.address };
  return { ok: true, address: addresses[0].address };
}

const server = http.createServer(async (req, res) => {
  let url;
  try {
    url = new URL(req.url);
  } catch {
    res.writeHead(400).end('mimo egress proxy: absolute URL expected\n');
    return;
  }
  const port = Number(url.port || 80);
  const verdict = url.protocol === 'http:' ? await resolve(url.hostname, port) : { ok: false, reason: 'scheme' };
  say({ allow: verdict.ok, method: req.method, host: url.hostname, port, ...(verdict.ok ? {} : { reason: verdict.reason }) });
  if (!verdict.ok) {
    res.writeHead(403, { 'content-type': 'text/plain' }).end('mimo egress proxy: ' + verdict.reason + '\n');
    return;
  }
  const headers = { ...req.headers, host: url.host };
  delete headers['proxy-connection'];
  delete headers['proxy-authorization'];
  const upstream = http.request(
    { host: verdict.address, port, method: req.method, path: url.pathname + url.search, headers },
    (up) => {
      res.writeHead(up.statusCode || 502, up.headers);
      up.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
});

server.on('connect', async (req, socket, head) => {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url || '');
  const host = match ? match[1] : '';
  const port = match ? Number(match[2]) : 0;
  const verdict = match ? await resolve(host, port) : { ok: false, reason: 'malformed CONNECT target' };
  say({ allow: verdict.ok, method: 'CONNECT', host, port, ...(verdict.ok ? {} : { reason: verdict.reason }) });
  if (!verdict.ok) {
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nmimo egress proxy: ' + verdict.reason + '\n');
    return;
  }
  const upstream = net.connect(port, verdict.address, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head && head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
  socket.on('error', () => upstream.destroy());
});

server.listen(PORT, '0.0.0.0', () => say({ ready: true, port: PORT, allowList: ALLOW }));
`;
