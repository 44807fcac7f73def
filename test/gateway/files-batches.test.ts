// Issue 11.8: /v1/files and /v1/batches through the gateway: the official SDK end to end, batch-price
// metering exactly once, two organizations sharing one upstream account that never see each other's
// objects, and every bad input answered in OpenAI's error shape.
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { startGateway, UPSTREAM_KEY, type TestGateway } from '../support/gateway.ts';
import { usdToNanos } from '../support/money.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';
import { ObjectRegistry } from '../../src/gateway/files/index.ts';

type Json = Record<string, any>;
const PRICES = JSON.parse(readFileSync(new URL('../../src/metering/prices/openai-prices.json', import.meta.url), 'utf8')) as { models: Json[] };
const UPLOAD_LIMIT = 256 * 1024;

const jsonl = (lines: unknown[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
const chatLine = (id: string, content: string, model = 'gpt-4o-mini') => ({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content }], max_tokens: 30 } });
const client = (gw: TestGateway, key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
/**
 * Waits until the gateway has finished metering a batch: a retrieval that finds another retrieval or
 * the poller already metering it answers without waiting for it.
 */
async function meteringSettled(store: TestStore['store'], batchId: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const row = await store.db.selectFrom('upstream_batches').select('metering').where('id', '=', batchId).executeTakeFirst();
    if (row && (row.metering === 'metered' || row.metering === 'none')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`batch ${batchId} was not metered`);
}
const upload = async (c: OpenAI, text: string, purpose: 'batch' | 'user_data' = 'batch') => c.files.create({ file: await toFile(Buffer.from(text), 'input.jsonl'), purpose });

async function untilDone(c: OpenAI, id: string) {
  for (let i = 0; i < 400; i++) {
    const b = await c.batches.retrieve(id);
    if (['completed', 'failed', 'cancelled', 'expired'].includes(b.status)) return b;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('batch did not finish');
}

/** Expected cost of one output line at the model's batch price, from the price file (not Tollgate's code). */
function batchCostNanos(model: string, usage: Json): number {
  const entry = PRICES.models.filter((m) => m['model'] === model).sort((a, b) => String(b['effective_from']).localeCompare(String(a['effective_from'])))[0]!;
  const batch = entry['batch'] as Json;
  const prompt = usage['prompt_tokens'] ?? usage['input_tokens'] ?? 0;
  const completion = usage['completion_tokens'] ?? usage['output_tokens'] ?? 0;
  const cached = usage['prompt_tokens_details']?.['cached_tokens'] ?? 0;
  assert.equal(cached, 0, 'the expected cost below assumes no cached tokens');
  const picos = BigInt(prompt) * BigInt(usdToNanos(batch['input'])) * 1000n + BigInt(completion) * BigInt(usdToNanos(batch['output'])) * 1000n;
  return Number((picos / 1_000_000n + 500n) / 1000n);
}

async function errorOf(res: Response): Promise<{ status: number; error: Json }> {
  const body = (await res.json()) as Json;
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'], 'OpenAI error shape');
  return { status: res.status, error: body.error };
}

for (const kind of storeKinds()) {
  describe(`files and batches through the gateway (${kind.name})`, () => {
    let gw: TestGateway;
    let store: TestStore;
    let keyA: string;
    let keyA2: string;
    let keyB: string;
    let dir: string;

    before(async () => {
      store = await kind.create();
      // Batch steps of 150 ms: a batch is still cancellable right after it is created, even on a busy machine.
      gw = await startGateway({ store, simulatorBatchStepMs: 150, env: { TOLLGATE_UPLOAD_LIMIT_BYTES: String(UPLOAD_LIMIT), TOLLGATE_BATCH_POLL_MS: '100' } });
      keyA = await gw.createKey({ name: 'org a' });
      keyA2 = await gw.createKey({ name: 'org a, second key' });
      const org = await gw.tg.directory.createOrg('Other Org', null);
      const ctx = { actorId: 'system', orgId: org.id };
      const user = await gw.tg.directory.createUser({ orgId: org.id, email: 'olga@other.test', name: 'Olga', orgRole: 'owner' }, ctx);
      keyB = (await gw.tg.keys.create({ name: 'org b', orgId: org.id, userId: user.id }, ctx)).secret;
      dir = await mkdtemp(join(tmpdir(), 'tollgate-files-'));
    });
    after(async () => {
      await gw.close();
      await store.dispose();
      await rm(dir, { recursive: true, force: true });
    });

    const ledgerRowsOf = async (batchId: string) => {
      await meteringSettled(gw.tg.store, batchId);
      await gw.tg.ledger.flush();
      return (await gw.tg.store.db.selectFrom('usage_records').selectAll().where('request_id', 'like', `${batchId}:%`).execute()) as Json[];
    };

    test('the official SDK: upload a file stream, create a batch, retrieve until completed, download, list; ledger rows at batch price and budgets see the spend', async () => {
      const a = client(gw, keyA);
      const keyId = await gw.tg.keys.authenticate(`Bearer ${keyA}`);
      const budgetRes = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: keyId.keyId, period: 'total', limit_usd: '10.00' } });
      assert.equal(budgetRes.status, 201, await budgetRes.clone().text());
      const budgetId = ((await budgetRes.json()) as Json)['id'];

      const path = join(dir, 'input.jsonl');
      await writeFile(path, jsonl([chatLine('first', 'Tell me a short story about a lighthouse.'), chatLine('second', 'Name three rivers.'), chatLine('third', 'Say hello.')]));
      const file = await a.files.create({ file: createReadStream(path), purpose: 'batch' });
      assert.equal(file.purpose, 'batch');
      assert.equal(file.filename, 'input.jsonl');
      assert.deepEqual(await a.files.retrieve(file.id), file);

      const batch = await a.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      assert.equal(batch.input_file_id, file.id);
      const done = await untilDone(a, batch.id);
      assert.equal(done.status, 'completed');
      assert.deepEqual(done.request_counts, { total: 3, completed: 3, failed: 0 });

      const output = (await (await a.files.content(done.output_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l) as Json);
      assert.equal(output.length, 3);
      assert.ok((await a.files.list()).data.some((f) => f.id === done.output_file_id), 'the output file is listed to its owner');
      assert.deepEqual((await a.batches.list()).data.map((b) => b.id), [batch.id]);
      const second = await a.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      await untilDone(a, second.id);
      const page1 = await a.batches.list({ limit: 1 });
      assert.deepEqual([page1.data.map((b) => b.id), page1.has_more], [[second.id], true], 'newest first, one per page');
      const page2 = await a.batches.list({ limit: 1, after: second.id });
      assert.deepEqual([page2.data.map((b) => b.id), page2.has_more], [[batch.id], false]);
      assert.deepEqual((await a.files.list({ purpose: 'batch' })).data.map((f) => f.id), [file.id], 'purpose filter');
      assert.equal((await ledgerRowsOf(second.id)).length, 3);

      const rows = await ledgerRowsOf(batch.id);
      assert.equal(rows.length, 3, 'one ledger row per output line');
      let expectedTotal = 0;
      for (const line of output) {
        const row = rows.find((r) => r['request_id'] === `${batch.id}:${line['id']}`);
        assert.ok(row, `a row for ${line['custom_id']}`);
        const usage = line['response']['body']['usage'] as Json;
        const expected = batchCostNanos('gpt-4o-mini', usage);
        assert.equal(Number(row['cost_nanos']), expected, 'cost at the batch price');
        assert.equal(row['endpoint'], '/v1/batches');
        assert.equal(row['service_tier'], 'batch');
        assert.equal(row['model_served'], line['response']['body']['model']);
        assert.equal(Number(row['prompt_tokens']), usage['prompt_tokens']);
        assert.equal(Number(row['completion_tokens']), usage['completion_tokens']);
        assert.equal(row['key_id'], keyId.keyId);
        expectedTotal += expected;
      }
      assert.ok(expectedTotal > 0);
      await gw.tg.budgets.flush();
      const budget = (await (await gw.call(`/api/budgets/${budgetId}`)).json()) as Json;
      const secondTotal = (await ledgerRowsOf(second.id)).reduce((sum, r) => sum + Number(r['cost_nanos']), 0);
      assert.equal(usdToNanos(budget['spent_usd']), expectedTotal + secondTotal, "the budget was charged the batches' cost");
      assert.equal(budget['reserved_usd'], '0.00', "the worst case held since admission was released when the batch was metered");

      const cancelled = await a.batches.cancel((await a.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
      assert.equal(cancelled.status, 'cancelling');
      assert.equal((await untilDone(a, cancelled.id)).status, 'cancelled');
      assert.equal((await ledgerRowsOf(cancelled.id)).length, 0, 'a batch cancelled before any answer costs nothing');

      await a.files.delete(file.id);
      await assert.rejects(a.files.retrieve(file.id), (e: unknown) => e instanceof OpenAI.NotFoundError);
    });

    test("a batch whose worst case at batch prices does not fit the caller's budget is refused; one that fits is held until metered", async () => {
      const key = await gw.createKey({ name: 'small budget' });
      const c = client(gw, key);
      const keyId = (await gw.tg.keys.authenticate(`Bearer ${key}`)).keyId;
      const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: keyId, period: 'total', limit_usd: '0.0001' } });
      assert.equal(res.status, 201);
      const budgetId = ((await res.json()) as Json)['id'];
      // No output cap: the worst case is the model's whole output limit (16,384 tokens at $0.30/M ≈ $0.005).
      const uncapped = await upload(c, jsonl([{ custom_id: 'u', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } }]));
      const seen = gw.sim.requests.length;
      const e = await errorOf(await gw.call('/v1/batches', { key, body: { input_file_id: uncapped.id, endpoint: '/v1/chat/completions', completion_window: '24h' } }));
      assert.deepEqual([e.status, e.error['code']], [429, 'budget_exceeded']);
      assert.ok(gw.sim.requests.slice(seen).every((r) => r.path !== '/v1/batches'), 'nothing was created upstream');
      const capped = await upload(c, jsonl([chatLine('c', 'hi')]));
      const batch = await c.batches.create({ input_file_id: capped.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const row = await gw.tg.store.db.selectFrom('upstream_batches').selectAll().where('id', '=', batch.id).executeTakeFirstOrThrow();
      assert.ok(row.reservation_id && Number(row.reserved_nanos) > 0, 'the worst case is held');
      await untilDone(c, batch.id);
      await meteringSettled(gw.tg.store, batch.id);
      const budget = (await (await gw.call(`/api/budgets/${budgetId}`)).json()) as Json;
      assert.equal(budget['reserved_usd'], '0.00');
      assert.ok(usdToNanos(budget['spent_usd']) > 0 && usdToNanos(budget['spent_usd']) <= Number(row.reserved_nanos), 'spent what it cost, within what was held');
    });

    test('metering happens exactly once when several retrievals (and the poller) notice completion together', async () => {
      const a = client(gw, keyA);
      const file = await upload(a, jsonl([chatLine('x', 'one'), chatLine('y', 'two')]));
      const batch = await a.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      // Wait at the upstream itself, so the gateway has not noticed completion before the race.
      for (;;) {
        const up = (await (await fetch(`${gw.sim.url}/v1/batches/${batch.id}`, { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } })).json()) as Json;
        if (up['status'] === 'completed') break;
        await new Promise((r) => setTimeout(r, 5));
      }
      await Promise.all(Array.from({ length: 8 }, () => a.batches.retrieve(batch.id)));
      await new Promise((r) => setTimeout(r, 300)); // a poller round as well
      assert.equal((await ledgerRowsOf(batch.id)).length, 2);
      assert.equal(gw.logs.filter((l) => l.includes('"batch metered"') && l.includes(batch.id)).length, 1, 'metered (and charged) once');
    });

    test('the store decides who meters: of concurrent claims exactly one wins', async () => {
      const registry = new ObjectRegistry(gw.tg.store);
      const owner = { orgId: gw.tg.home.org.id, teamId: null, keyId: 'key_x', userId: null };
      await registry.addBatch('batch_claim_test', owner, '/v1/chat/completions', 'file-x', 'completed', '{}', Date.now());
      const wins = await Promise.all(Array.from({ length: 10 }, () => registry.claimMetering('batch_claim_test', Date.now())));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    test('a finished batch nobody retrieves is metered by the background poller', async () => {
      const a = client(gw, keyA);
      const file = await upload(a, jsonl([chatLine('p', 'polled')]));
      const batch = await a.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      assert.equal((await ledgerRowsOf(batch.id)).length, 1, 'metered with no retrieval after creation');
    });

    test('two organizations on one upstream account never see, fetch, delete or use each other’s files and batches', async () => {
      const a = client(gw, keyA);
      const b = client(gw, keyB);
      const fileA = await upload(a, jsonl([chatLine('a1', 'secret of org a')]));
      const batchA = await a.batches.create({ input_file_id: fileA.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const fileB = await upload(b, jsonl([chatLine('b1', 'org b')]));

      // The upstream account holds both organizations' files.
      const upstreamList = (await (await fetch(`${gw.sim.url}/v1/files`, { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } })).json()) as Json;
      assert.ok(upstreamList['data'].some((f: Json) => f['id'] === fileA.id) && upstreamList['data'].some((f: Json) => f['id'] === fileB.id));

      const asB = (path: string, init: { method?: string; body?: unknown } = {}) => gw.call(path, { ...init, key: keyB });
      for (const [method, path] of [
        ['GET', `/v1/files/${fileA.id}`],
        ['GET', `/v1/files/${fileA.id}/content`],
        ['DELETE', `/v1/files/${fileA.id}`],
        ['GET', `/v1/batches/${batchA.id}`],
        ['POST', `/v1/batches/${batchA.id}/cancel`],
      ] as const) {
        const { status, error } = await errorOf(await asB(path, { method }));
        assert.equal(status, 404, `${method} ${path}`);
        assert.ok(error['code'] === 'file_not_found' || error['code'] === 'batch_not_found');
        assert.equal(error['message'].includes('org'), false);
      }
      // Each refused call has its ledger row, naming the caller and the route (not the id asked for).
      await gw.tg.ledger.flush();
      const keyBId = (await gw.tg.keys.authenticate(`Bearer ${keyB}`)).keyId;
      const refused = await gw.tg.store.db.selectFrom('usage_records').select(['endpoint', 'status', 'error_code']).where('key_id', '=', keyBId).where('status', '=', 404).execute();
      assert.ok(refused.some((r) => r.endpoint === '/v1/files/:id/content' && r.error_code === 'file_not_found'));
      assert.ok(refused.some((r) => r.endpoint === '/v1/batches/:id/cancel' && r.error_code === 'batch_not_found'));
      const stolen = await errorOf(await asB('/v1/batches', { body: { input_file_id: fileA.id, endpoint: '/v1/chat/completions', completion_window: '24h' } }));
      assert.equal(stolen.status, 404);
      assert.equal(stolen.error['param'], 'input_file_id');

      const filesB = await b.files.list();
      assert.deepEqual(filesB.data.map((f) => f.id), [fileB.id], "org b lists only its own file");
      assert.deepEqual((await b.batches.list()).data, []);
      assert.ok((await a.files.list()).data.every((f) => f.id !== fileB.id));
      // Org A still has its file: B's delete did not reach the upstream.
      assert.equal((await a.files.retrieve(fileA.id)).id, fileA.id);
      // The output of A's batch is A's: B cannot read it either.
      const done = await untilDone(a, batchA.id);
      assert.equal((await errorOf(await asB(`/v1/files/${done.output_file_id}/content`))).status, 404);
      // Another key of the same organization (and team) sees the organization's objects.
      assert.equal((await client(gw, keyA2).files.retrieve(fileA.id)).id, fileA.id);
      // A key of another team in the same organization does not.
      const home = gw.tg.home.org.id;
      const ctx = { actorId: 'system', orgId: home };
      const otherTeam = await gw.tg.directory.createTeam(home, 'Other team', ctx);
      const teamKey = (await gw.tg.keys.create({ name: 'other team', orgId: home, teamId: otherTeam.id, role: 'member' }, ctx)).secret;
      assert.notEqual((await gw.tg.keys.authenticate(`Bearer ${teamKey}`)).teamId, (await gw.tg.keys.authenticate(`Bearer ${keyA}`)).teamId);
      assert.equal((await errorOf(await gw.call(`/v1/files/${fileA.id}`, { key: teamKey }))).status, 404);
      assert.deepEqual((await client(gw, teamKey).batches.list()).data, []);
    });

    test('bad inputs get clear errors in OpenAI shape', async () => {
      const a = client(gw, keyA);
      const post = (path: string, body: unknown, headers: Record<string, string> = {}) => gw.call(path, { body, key: keyA, headers });
      const form = (fields: Record<string, string | Blob>) => {
        const f = new FormData();
        for (const [k, v] of Object.entries(fields)) f.set(k, v as string);
        return fetch(`${gw.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${keyA}` }, body: f });
      };
      const line = new Blob([jsonl([chatLine('a', 'b')])]);

      let e = await errorOf(await form({ file: line }));
      assert.equal(e.status, 400);
      assert.equal(e.error['param'], 'purpose', 'missing purpose');
      e = await errorOf(await form({ purpose: 'nonsense', file: line }));
      assert.equal(e.status, 400);
      assert.equal(e.error['param'], 'purpose', 'unknown purpose');
      const before = (await (await fetch(`${gw.sim.url}/v1/files`, { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } })).json()) as Json;
      e = await errorOf(await form({ purpose: 'fine-tune', file: line }));
      assert.equal(e.status, 400);
      assert.equal(e.error['code'], 'file_purpose_not_allowed');
      const afterList = (await (await fetch(`${gw.sim.url}/v1/files`, { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } })).json()) as Json;
      assert.equal(afterList['data'].length, before['data'].length, 'the refused file was removed from the upstream');
      e = await errorOf(await post('/v1/files', { purpose: 'batch' }));
      assert.equal(e.status, 400);
      assert.equal(e.error['code'], 'file_upload_not_multipart');
      await assert.rejects(upload(a, 'x'.repeat(UPLOAD_LIMIT + 1), 'user_data'), (err: unknown) => (err as { status?: number }).status === 413);
      await assert.rejects(upload(a, '{"no": "newline-json"\n'), (err: unknown) => err instanceof OpenAI.BadRequestError, 'malformed JSONL is refused at upload');

      assert.equal((await errorOf(await gw.call('/v1/files/file-nope', { key: keyA }))).status, 404);
      const good = await upload(a, jsonl([chatLine('a', 'b')]));
      const create = (body: Json) => post('/v1/batches', { input_file_id: good.id, endpoint: '/v1/chat/completions', completion_window: '24h', ...body });
      e = await errorOf(await create({ input_file_id: 'file-unknown' }));
      assert.deepEqual([e.status, e.error['code'], e.error['param']], [404, 'file_not_found', 'input_file_id']);
      e = await errorOf(await create({ endpoint: '/v1/images/generations' }));
      assert.deepEqual([e.status, e.error['param']], [400, 'endpoint']);
      e = await errorOf(await create({ completion_window: '48h' }));
      assert.deepEqual([e.status, e.error['param']], [400, 'completion_window']);
      e = await errorOf(await post('/v1/batches', '{not json'));
      assert.equal(e.status, 400);

      const noCustomId = await upload(a, jsonl([chatLine('ok', 'fine'), { method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [] } }]));
      e = await errorOf(await create({ input_file_id: noCustomId.id }));
      assert.deepEqual([e.status, e.error['code'], e.error['param']], [400, 'batch_input_invalid', 'line 2']);
      const wrongUrl = await upload(a, jsonl([{ ...chatLine('ok', 'fine'), url: '/v1/embeddings' }]));
      e = await errorOf(await create({ input_file_id: wrongUrl.id }));
      assert.deepEqual([e.status, e.error['param']], [400, 'line 1']);

      const limited = await gw.createKey({ name: 'mini only', allowed_models: ['gpt-4o-mini'] });
      const lc = client(gw, limited);
      const mixed = await upload(lc, jsonl([chatLine('ok', 'fine'), chatLine('big', 'expensive', 'gpt-4o')]));
      e = await errorOf(await gw.call('/v1/batches', { key: limited, body: { input_file_id: mixed.id, endpoint: '/v1/chat/completions', completion_window: '24h' } }));
      assert.deepEqual([e.status, e.error['code'], e.error['param']], [400, 'batch_line_model_not_allowed', 'line 2']);
      assert.match(e.error['message'], /gpt-4o/);

      const filesOnly = await gw.createKey({ name: 'files only', endpoints: ['files'] });
      e = await errorOf(await gw.call('/v1/batches', { key: filesOnly }));
      assert.deepEqual([e.status, e.error['code']], [403, 'endpoint_not_allowed']);
      const noChat = await gw.createKey({ name: 'files and batches, embeddings only', endpoints: ['files', 'batches', 'embeddings'] });
      const nc = await upload(client(gw, noChat), jsonl([chatLine('c', 'chat')]));
      e = await errorOf(await gw.call('/v1/batches', { key: noChat, body: { input_file_id: nc.id, endpoint: '/v1/chat/completions', completion_window: '24h' } }));
      assert.deepEqual([e.status, e.error['code']], [403, 'endpoint_not_allowed']);

      e = await errorOf(await gw.call('/v1/files', { key: null }));
      assert.equal(e.status, 401);
      e = await errorOf(await gw.call('/v1/batches/x/y/z', { key: keyA }));
      assert.equal(e.status, 404);
    });
  });
}

for (const kind of storeKinds().filter((k) => k.name === 'postgres')) {
  describe('two gateway instances on one PostgreSQL store meter a finished batch once', () => {
    let store: TestStore;
    let one: TestGateway;
    let two: TestGateway;

    before(async () => {
      store = await kind.create();
      one = await startGateway({ store, env: { TOLLGATE_BATCH_POLL_MS: '50' } });
      // The second instance uses the first one's upstream, as two instances behind a load balancer share one account.
      two = await startGateway({ store, env: { OPENAI_BASE_URL: `${one.sim.url}/v1`, TOLLGATE_BATCH_POLL_MS: '50' } });
    });
    after(async () => {
      await two.close();
      await one.close();
      await store.dispose();
    });

    test('retrievals on both instances and both pollers race; every output line has exactly one ledger row', async () => {
      const key = await one.createKey({ name: 'shared' });
      const a = client(one, key);
      const b = client(two, key);
      for (let round = 0; round < 3; round++) {
        const file = await upload(a, jsonl([chatLine('x', `one ${round}`), chatLine('y', `two ${round}`), chatLine('z', `three ${round}`)]));
        const batch = await a.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
        for (;;) {
          const up = (await (await fetch(`${one.sim.url}/v1/batches/${batch.id}`, { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } })).json()) as Json;
          if (up['status'] === 'completed') break;
          await new Promise((r) => setTimeout(r, 5));
        }
        await Promise.all([...Array.from({ length: 4 }, () => a.batches.retrieve(batch.id)), ...Array.from({ length: 4 }, () => b.batches.retrieve(batch.id))]);
        await new Promise((r) => setTimeout(r, 150));
        await meteringSettled(store.store, batch.id);
        await Promise.all([one.tg.ledger.flush(), two.tg.ledger.flush()]);
        const rows = await store.store.db.selectFrom('usage_records').select('request_id').where('request_id', 'like', `${batch.id}:%`).execute();
        assert.equal(rows.length, 3, `round ${round}: one row per output line`);
        // The request ids alone would hide a second metering (the ledger's key refuses the copy): the batch is metered, and charged, once.
        const metered = [...one.logs, ...two.logs].filter((l) => l.includes('"batch metered"') && l.includes(batch.id));
        assert.equal(metered.length, 1, `round ${round}: metered once across both instances`);
      }
    });
  });
}
