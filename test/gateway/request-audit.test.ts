// /v1 requests in the audit log at level `metadata` (compliance.audit_requests, issue 13.1).
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { loadSigningKey, verifyAuditChain } from '../../src/compliance/audit/index.ts';
import { ConfigError } from '../../src/config/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { createSqliteStore, type TestStore } from '../support/stores.ts';

const SECRET_PROMPT = 'the launch code is swordfish-7731';

describe('request audit at level metadata', () => {
  let store: TestStore;
  let gw: TestGateway;
  before(async () => {
    store = await createSqliteStore();
    gw = await startGateway({ store, env: { TOLLGATE_AUDIT_REQUESTS: 'metadata' } });
  });
  after(async () => {
    await gw.close();
    await store.dispose();
  });

  test('served, streamed and refused requests are recorded with who, what and the outcome, never content; the chain verifies', async () => {
    const key = await gw.createKey({ name: 'audited' });
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const served = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: SECRET_PROMPT }] }).withResponse();
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: SECRET_PROMPT }], stream: true });
    for await (const _ of stream) void _;
    const anonymous = new OpenAI({ apiKey: 'tg-not-a-real-key-0000000000000000', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await assert.rejects(anonymous.models.list(), { status: 401 });

    let rows: Awaited<ReturnType<typeof readRows>> = [];
    const readRows = () => store.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'gateway.request').orderBy('at').execute();
    for (let i = 0; i < 50 && (rows.length < 3 || rows.some((r) => r.seq === null)); i++) {
      await sleep(100);
      rows = await readRows();
    }
    assert.equal(rows.length, 3, JSON.stringify(rows));
    const first = rows.find((r) => r.request_id === served.response.headers.get('x-request-id'))!;
    assert.ok(first, 'the served request is recorded under its request id');
    assert.equal(first.target, '/v1/chat/completions');
    assert.equal(first.org_id, gw.tg.home.org.id);
    assert.equal(first.actor, gw.tg.home.owner.id);
    assert.equal(first.ip, '127.0.0.1');
    const details = JSON.parse(first.details) as Record<string, unknown>;
    assert.equal(details.status, 200);
    assert.equal(details.model_requested, 'gpt-4o-mini');
    assert.equal(details.stream, false);
    assert.ok(typeof details.cost_nanos === 'number' && details.cost_nanos > 0);
    assert.ok(rows.some((r) => (JSON.parse(r.details) as { stream: boolean }).stream));
    const refused = rows.find((r) => r.actor === 'anonymous')!;
    assert.equal((JSON.parse(refused.details) as { status: number }).status, 401);
    assert.equal(refused.org_id, null);
    const everything = JSON.stringify(rows);
    assert.ok(!everything.includes('swordfish'), 'no prompt text');
    assert.ok(!everything.includes(key), 'no key secret');

    const listed = (await (await gw.call('/api/audit?action=gateway.request')).json()) as { data: unknown[] };
    assert.ok(listed.data.length >= 2);
    const signer = loadSigningKey({ dataDir: store.dataDir })!;
    const chain = await verifyAuditChain(store.store, { publicKeys: new Map([[signer.keyId, signer.publicKey]]) });
    assert.equal(chain.ok, true, JSON.stringify(chain.problems));
  });
});

describe('request audit at level full', () => {
  let store: TestStore;
  let gw: TestGateway;
  before(async () => {
    store = await createSqliteStore();
    // SQLite makes its own master key, so the content is sealed; the PII policy redacts what goes upstream.
    gw = await startGateway({ store, env: { TOLLGATE_AUDIT_REQUESTS: 'full', TOLLGATE_GUARDRAILS_DEFAULT: 'pii' } });
  });
  after(async () => {
    await gw.close();
    await store.dispose();
  });

  const gatewayRecords = async (n: number) => {
    let rows: Awaited<ReturnType<typeof read>> = [];
    const read = () => store.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'gateway.request').orderBy('at').execute();
    for (let i = 0; i < 50 && (rows.length < n || rows.some((r) => r.seq === null)); i++) {
      await sleep(100);
      rows = await read();
    }
    return rows;
  };

  test('the request as sent upstream and the answer as the client got it are kept, sealed at rest, shown to owners; restricted data keeps metadata only', async () => {
    const key = await gw.createKey({ name: 'audited' });
    const client = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    const served = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${SECRET_PROMPT}, mail ops@example.com` }] }).withResponse();
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: SECRET_PROMPT }], stream: true });
    let streamed = '';
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? '';
    const restricted = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: SECRET_PROMPT }] }, { headers: { 'x-tollgate-classification': 'restricted' } })
      .withResponse();

    const rows = await gatewayRecords(3);
    assert.equal(rows.length, 3);
    const stored = JSON.stringify(rows);
    assert.ok(!stored.includes('swordfish'), 'the content is sealed in the store');
    const byRequest = (id: string | null) => rows.find((r) => r.request_id === id)!;
    assert.equal(JSON.parse(byRequest(served.response.headers.get('x-request-id')).details).content, 'sealed');
    const restrictedRow = byRequest(restricted.response.headers.get('x-request-id'));
    assert.equal(JSON.parse(restrictedRow.details).content, 'classification');
    assert.equal(restrictedRow.after, null, 'restricted data never goes into a full-content record');

    const listed = (await (await gw.call('/api/audit?action=gateway.request&limit=10')).json()) as { data: { request_id: string; after: { request: string | null; response: string | null; truncated: boolean } | null }[] };
    const shown = (id: string | null) => listed.data.find((r) => r.request_id === id)!.after;
    const plain = shown(served.response.headers.get('x-request-id'))!;
    assert.match(plain.request!, /swordfish-7731/, 'the owner reads the request');
    assert.ok(!plain.request!.includes('ops@example.com') && plain.request!.includes('[EMAIL_1]'), 'as sent upstream: redacted by the guard');
    assert.equal((JSON.parse(plain.response!) as { choices: { message: { content: string } }[] }).choices[0]!.message.content, served.data.choices[0]!.message.content);
    assert.equal(plain.truncated, false);
    const streamedRecord = listed.data.find((r) => r.after && r.after.response?.startsWith('data:'))!.after!;
    assert.ok(streamedRecord.response!.includes('[DONE]'), 'the stream as the client got it');
    const deltas = streamedRecord.response!.split('\n').filter((l) => l.startsWith('data: {')).map((l) => (JSON.parse(l.slice(6)) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content ?? '');
    assert.equal(deltas.join(''), streamed);
    assert.equal(shown(restricted.response.headers.get('x-request-id')), null);

    const exported = await (await gw.call('/api/audit/export?action=gateway.request')).text();
    assert.ok(exported.includes('swordfish-7731'), 'the SIEM export carries the content for owners and auditors');

    const signer = loadSigningKey({ dataDir: store.dataDir })!;
    const chain = await verifyAuditChain(store.store, { publicKeys: new Map([[signer.keyId, signer.publicKey]]) });
    assert.equal(chain.ok, true, JSON.stringify(chain.problems));
  });
});

describe('request audit levels', () => {
  test('the default (none) records no request; an unknown level stops the start', async () => {
    const gw = await startGateway();
    try {
      assert.equal((await gw.call('/v1/models')).status, 200);
      await sleep(400);
      const rows = await gw.tg.store.db.selectFrom('audit_events').select('id').where('action', '=', 'gateway.request').execute();
      assert.equal(rows.length, 0);
    } finally {
      await gw.close();
    }
    await assert.rejects(startGateway({ env: { TOLLGATE_AUDIT_REQUESTS: 'everything' } }), (err: Error) => err instanceof ConfigError && /TOLLGATE_AUDIT_REQUESTS/.test(err.message));
  });
});
