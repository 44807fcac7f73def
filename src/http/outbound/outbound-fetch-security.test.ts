import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { AddressPolicy, parseAllowance } from './address-policy.ts';
import { OutboundRefusedError } from './outbound-error.ts';
import { createOutboundFetch } from './outbound-fetch.ts';

/*
 * Issue 8, point 6: an organization owner could point the SSO issuer at http://127.0.0.1:<port>,
 * [::1], 0x7f.0.0.1, 169.254.169.254 or metadata.google.internal, and an anonymous sign-in start
 * made Tollgate call it. Every tenant-settable URL goes through createOutboundFetch, which refuses
 * such destinations at connect time, after DNS resolution, however they are spelled.
 */
describe('outbound requests to tenant-set URLs', () => {
  let server: Server;
  let port: number;
  let hits = 0;
  before(async () => {
    server = createServer((req, res) => {
      hits++;
      if (req.url === '/redirect') return void res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
      if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(2_000_000));
      if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 3_000);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const refused = async (fetcher: ReturnType<typeof createOutboundFetch>, url: string, why?: RegExp) => {
    const before = hits;
    await assert.rejects(fetcher(url), (err: unknown) => {
      assert.ok(err instanceof OutboundRefusedError, `${url}: ${String(err)}`);
      if (why) assert.match(err.reason, why, url);
      return true;
    });
    assert.equal(hits, before, `${url} reached the server`);
  };

  test('with the default policy every loopback, private, link-local and metadata form is refused', async () => {
    const outbound = createOutboundFetch({ timeoutMs: 2_000 });
    try {
      const forms = [
        `http://127.0.0.1:${port}/`,
        `https://127.0.0.1:${port}/`,
        `https://0x7f.0.0.1:${port}/`,
        `https://2130706433:${port}/`,
        `https://0177.0.0.1:${port}/`,
        `https://127.1:${port}/`,
        `https://[::1]:${port}/`,
        `https://[::ffff:127.0.0.1]:${port}/`,
        `https://[::ffff:7f00:1]:${port}/`,
        `https://localhost:${port}/`,
        'https://169.254.169.254/latest/meta-data/',
        'https://[fe80::1]/',
        'https://metadata.google.internal/computeMetadata/v1/',
        'https://10.0.0.1/',
        'https://172.16.5.4/',
        'https://192.168.1.1/',
        'https://100.64.0.1/',
        'https://[fc00::1]/',
        'https://[fd12:3456::1]/',
        'https://0.0.0.0/',
        'https://[::]/',
        'https://224.0.0.1/',
        'https://[ff02::1]/',
        'https://255.255.255.255/',
        'https://[64:ff9b::7f00:1]/',
        'ftp://example.com/',
        'https://user:secret@example.com/',
      ];
      for (const url of forms) await refused(outbound, url);
    } finally {
      await outbound.close();
    }
  });

  test('a host name is judged by every address it resolves to, at connect time (no rebinding)', async () => {
    const answers: Record<string, { address: string; family: number }[]> = {
      'loopback.test': [{ address: '127.0.0.1', family: 4 }],
      'mixed.test': [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }],
      'inner.test': [{ address: '10.1.2.3', family: 4 }],
      'mapped.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
    };
    let lookups = 0;
    const outbound = createOutboundFetch({
      timeoutMs: 2_000,
      resolve: (host, cb) => {
        lookups++;
        cb(null, answers[host] ?? []);
      },
    });
    try {
      for (const host of Object.keys(answers)) await refused(outbound, `https://${host}:${port}/`, /resolves to/);
      assert.equal(lookups, Object.keys(answers).length, 'one lookup per connection: what is checked is what is connected to');
    } finally {
      await outbound.close();
    }
  });

  test('the operator allowance opens private ranges (not link-local); redirects, huge and slow answers are still refused', async () => {
    const outbound = createOutboundFetch({ allowance: parseAllowance('on'), timeoutMs: 1_000, maxResponseBytes: 1_000_000 });
    try {
      const ok = await outbound(`http://127.0.0.1:${port}/`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { ok: true });
      await refused(outbound, 'https://169.254.169.254/', /link-local/);
      await refused(outbound, 'https://metadata.google.internal/', /metadata/);
      await assert.rejects(outbound(`http://127.0.0.1:${port}/redirect`), (e: unknown) => e instanceof OutboundRefusedError && /redirect/.test(e.reason));
      await assert.rejects(outbound(`http://127.0.0.1:${port}/big`), (e: unknown) => e instanceof OutboundRefusedError && /larger than/.test(e.reason));
      const started = Date.now();
      await assert.rejects(outbound(`http://127.0.0.1:${port}/slow`), (e: unknown) => e instanceof OutboundRefusedError && /within 1000 ms/.test(e.reason));
      assert.ok(Date.now() - started < 2_500, 'cut at the time bound');
    } finally {
      await outbound.close();
    }
  });

  test('a CIDR allowance opens exactly those ranges', async () => {
    const outbound = createOutboundFetch({ allowance: parseAllowance('127.0.0.1/32, fd00::/8'), timeoutMs: 2_000 });
    try {
      assert.equal((await outbound(`http://127.0.0.1:${port}/`)).status, 200);
      await refused(outbound, `https://127.0.0.2:${port}/`);
      await refused(outbound, 'https://10.0.0.1/');
    } finally {
      await outbound.close();
    }
    assert.throws(() => parseAllowance('10.0.0.0/33'));
    assert.throws(() => parseAllowance('yes'));
  });

  test('public unicast addresses are allowed over https only', () => {
    const policy = new AddressPolicy();
    assert.equal(policy.refusal('93.184.216.34', false), undefined);
    assert.equal(policy.refusal('2606:2800:220:1:248:1893:25c8:1946', false), undefined);
    assert.match(policy.refusal('93.184.216.34', true)!, /https/);
    assert.match(policy.refusal('::ffff:10.0.0.1', false)!, /private/);
  });
});
