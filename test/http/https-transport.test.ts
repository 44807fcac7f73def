// HTTPS served by Tollgate itself (server.tls_cert_file / tls_key_file) and HSTS (issue 13.7).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';
import { ConfigError } from '../../src/config/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

/** A self-signed certificate for 127.0.0.1, made with the openssl command for this test only. */
function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}-cert.pem`);
  const key = join(dir, `${name}-key.pem`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  return { cert, key };
}

describe('HTTPS and HSTS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-tls-'));
  const pair = selfSigned(dir, 'good');
  const other = selfSigned(dir, 'other');
  const trusting = new Agent({ connect: { ca: readFileSync(pair.cert) } });
  let gw: TestGateway;

  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_TLS_CERT_FILE: pair.cert, TOLLGATE_TLS_KEY_FILE: pair.key } });
  });
  after(async () => {
    await gw?.close();
    await trusting.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('serves the API over HTTPS to the official SDK, with HSTS on every answer', async () => {
    assert.match(gw.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const trustingFetch = ((url: string, init?: object) => undiciFetch(url, { ...init, dispatcher: trusting })) as unknown as typeof fetch;
    const client = new OpenAI({ apiKey: gw.adminKey, baseURL: `${gw.url}/v1`, fetch: trustingFetch });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    assert.ok(data.choices[0]?.message.content);
    assert.equal(response.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
    const web = await undiciFetch(`${gw.url}/`, { dispatcher: trusting });
    assert.equal(web.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
    const refused = await undiciFetch(`${gw.url}/v1/models`, { dispatcher: trusting });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains');
  });

  test('a client that does not trust the certificate, or speaks plain HTTP, gets nothing', async () => {
    await assert.rejects(undiciFetch(`${gw.url}/v1/models`), /fetch failed/);
    await assert.rejects(fetch(`${gw.url.replace('https:', 'http:')}/health`), /fetch failed/);
    // …and the server still answers afterwards.
    const health = await undiciFetch(`${gw.url}/health`, { dispatcher: trusting });
    assert.equal(health.status, 200);
  });

  test('plain HTTP sends no HSTS unless the public address is https://', async () => {
    const plain = await startGateway();
    try {
      const res = await plain.call('/health');
      assert.equal(res.headers.get('strict-transport-security'), null);
    } finally {
      await plain.close();
    }
    const proxied = await startGateway({ env: { TOLLGATE_PUBLIC_URL: 'https://gateway.example.com', TOLLGATE_HSTS_MAX_AGE: '600' } });
    try {
      const res = await proxied.call('/health');
      assert.equal(res.headers.get('strict-transport-security'), 'max-age=600; includeSubDomains');
    } finally {
      await proxied.close();
    }
  });

  test('bad TLS settings stop the start with a message naming the file', async () => {
    const notPem = join(dir, 'not-pem.txt');
    writeFileSync(notPem, 'hello');
    const cases: [Record<string, string>, RegExp][] = [
      [{ TOLLGATE_TLS_CERT_FILE: pair.cert }, /needs both server\.tls_cert_file .* and server\.tls_key_file/],
      [{ TOLLGATE_TLS_CERT_FILE: join(dir, 'missing.pem'), TOLLGATE_TLS_KEY_FILE: pair.key }, /cannot read the TLS certificate file .*missing\.pem: ENOENT/],
      [{ TOLLGATE_TLS_CERT_FILE: notPem, TOLLGATE_TLS_KEY_FILE: pair.key }, /not-pem\.txt is not PEM/],
      [{ TOLLGATE_TLS_CERT_FILE: pair.cert, TOLLGATE_TLS_KEY_FILE: other.key }, /cannot be used together/],
      [{ TOLLGATE_HSTS_MAX_AGE: '-1' }, /hsts_max_age_seconds|TOLLGATE_HSTS_MAX_AGE/],
    ];
    for (const [env, message] of cases) {
      await assert.rejects(startGateway({ env }), (err: Error) => {
        assert.ok(err instanceof ConfigError, `${err.name}: ${err.message}`);
        assert.match(err.message, message);
        return true;
      });
    }
  });
});
