import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../helpers/gateway.ts';

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

describe('keys: admin API and enforcement on /v1', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  test('POST /api/keys returns the secret once; GET lists it by prefix without the secret', async () => {
    const res = await gw.call('/api/keys', { body: { name: 'build bot', owner: 'ci@example.com', allowed_models: ['gpt-4o-mini'] } });
    assert.equal(res.status, 201);
    const created = (await res.json()) as { id: string; key: string; prefix: string; name: string; owner: string; allowed_models: string[]; created_at: string };
    assert.match(created.key, /^tg-/);
    assert.equal(created.prefix, created.key.slice(0, 11));
    assert.deepEqual(created.allowed_models, ['gpt-4o-mini']);
    const list = await (await gw.call('/api/keys')).text();
    assert.ok(list.includes(created.id));
    assert.ok(!list.includes(created.key), 'the secret is never listed');
    const one = (await (await gw.call(`/api/keys/${created.id}`)).json()) as Record<string, unknown>;
    assert.equal(one.name, 'build bot');
    assert.equal(one.key, undefined);
  });

  test('a user key calls /v1 but not the admin API', async () => {
    const key = await gw.createKey();
    assert.equal((await gw.call('/v1/chat/completions', { key, body: hello })).status, 200);
    const res = await gw.call('/api/keys', { key });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'admin_required');
  });

  test('missing, malformed and unknown keys get 401 on /v1 and /api', async () => {
    for (const path of ['/v1/chat/completions', '/api/keys']) {
      const body = path.startsWith('/v1') ? hello : undefined;
      const cases: [string | null, string][] = [
        [null, 'missing_api_key'],
        ['not-a-key', 'invalid_api_key'],
        ['tg-unknownunknownunknownunknown00', 'invalid_api_key'],
      ];
      for (const [key, code] of cases) {
        const res = await gw.call(path, { key, ...(body ? { body } : {}) });
        assert.equal(res.status, 401, `${path} with ${key}`);
        const err = (await res.json()) as { error: { code: string; type: string } };
        assert.equal(err.error.code, code);
        assert.equal(err.error.type, 'authentication_error');
      }
    }
  });

  test('a revoked key stops working at once', async () => {
    const created = (await (await gw.call('/api/keys', { body: { name: 'temp' } })).json()) as { id: string; key: string };
    assert.equal((await gw.call('/v1/models', { key: created.key })).status, 200);
    const del = await gw.call(`/api/keys/${created.id}`, { method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.ok(((await del.json()) as { revoked_at: string }).revoked_at);
    const res = await gw.call('/v1/models', { key: created.key });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'revoked_api_key');
    assert.equal((await gw.call('/api/keys/key_nope', { method: 'DELETE' })).status, 404);
  });

  test('an expired key gets 401', async () => {
    const expiresAt = new Date(Date.now() + 1_000).toISOString();
    const key = await gw.createKey({ expires_at: expiresAt });
    assert.equal((await gw.call('/v1/models', { key })).status, 200);
    await new Promise((r) => setTimeout(r, 1_100));
    const res = await gw.call('/v1/models', { key });
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'expired_api_key');
  });

  test('a model outside the key\'s list gets 403 and is not forwarded', async () => {
    const key = await gw.createKey({ allowed_models: ['gpt-4o-mini'] });
    const seen = gw.sim.requests.length;
    const res = await gw.call('/v1/chat/completions', { key, body: { ...hello, model: 'gpt-4o' } });
    assert.equal(res.status, 403);
    const err = (await res.json()) as { error: { code: string; param: string; type: string } };
    assert.equal(err.error.code, 'model_not_allowed');
    assert.equal(err.error.param, 'model');
    assert.equal(err.error.type, 'permission_error');
    assert.equal(gw.sim.requests.length, seen);
    const models = (await (await gw.call('/v1/models', { key })).json()) as { data: { id: string }[] };
    assert.deepEqual(models.data.map((m) => m.id), ['gpt-4o-mini']);
    assert.equal((await gw.call('/v1/models/gpt-4o', { key })).status, 403);
  });

  test('key creation rejects bad input with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 'ok', role: 'superuser' }, 'role'],
      [{ name: 'ok', allowed_models: 'gpt-4o' }, 'allowed_models'],
      [{ name: 'ok', expires_at: 'tomorrow' }, 'expires_at'],
      [{ name: 'ok', expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
      [{ name: 'ok', color: 'red' }, 'color'],
    ];
    for (const [body, param] of cases) {
      const res = await gw.call('/api/keys', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(((await res.json()) as { error: { param: string } }).error.param, param);
    }
  });
});
