import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

describe('keys: admin API and enforcement on /v1', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  test('POST /api/keys returns the secret once; GET lists it by prefix without the secret', async () => {
    const res = await gw.call('/api/keys', { body: { name: 'build bot', allowed_models: ['gpt-4o-mini'] } });
    assert.equal(res.status, 201);
    const created = (await res.json()) as { id: string; key: string; prefix: string; kind: string; user_id: string; allowed_models: string[] };
    assert.match(created.key, /^tg-/);
    assert.equal(created.prefix, created.key.slice(0, 11));
    assert.deepEqual(created.allowed_models, ['gpt-4o-mini']);
    assert.equal(created.kind, 'personal', 'a key made by a user is theirs unless it is made for a team');
    assert.equal(created.user_id, gw.tg.home.owner.id);
    const list = await (await gw.call('/api/keys')).text();
    assert.ok(list.includes(created.id));
    assert.ok(!list.includes(created.key), 'the secret is never listed');
    const one = (await (await gw.call(`/api/keys/${created.id}`)).json()) as Record<string, unknown>;
    assert.equal(one.name, 'build bot');
    assert.equal(one.key, undefined);
  });

  test('a member service key calls /v1 but cannot create keys; an endpoint-scoped key cannot reach /api', async () => {
    const team = gw.tg.home.defaultTeam.id;
    const member = await gw.createKey({ kind: 'service', team_id: team, role: 'member' });
    assert.equal((await gw.call('/v1/chat/completions', { key: member, body: hello })).status, 200);
    const res = await gw.call('/api/keys', { key: member, body: { name: 'x', kind: 'service', team_id: team } });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'permission_denied');

    const chatOnly = await gw.createKey({ endpoints: ['chat.completions'] });
    assert.equal((await gw.call('/v1/chat/completions', { key: chatOnly, body: hello })).status, 200);
    for (const [path, body] of [['/v1/embeddings', { model: 'text-embedding-3-small', input: 'hi' }], ['/api/keys', undefined]] as const) {
      const r = await gw.call(path, { key: chatOnly, ...(body ? { body } : {}) });
      assert.equal(r.status, 403, path);
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'endpoint_not_allowed');
    }
  });

  test('a viewer service key reads but cannot call /v1 or create keys', async () => {
    const viewer = await gw.createKey({ kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'viewer' });
    assert.equal((await gw.call('/v1/chat/completions', { key: viewer, body: hello })).status, 403);
    assert.equal((await gw.call('/api/keys', { key: viewer, body: { name: 'nope' } })).status, 403);
    assert.equal((await gw.call('/api/usage', { key: viewer })).status, 200);
  });

  test('an IP allowlist refuses other addresses with 403 and admits listed ones (IPv4 and IPv6)', async () => {
    const outside = await gw.createKey({ ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    const res = await gw.call('/v1/chat/completions', { key: outside, body: hello });
    assert.equal(res.status, 403);
    const err = (await res.json()) as { error: { code: string; type: string } };
    assert.equal(err.error.code, 'ip_not_allowed');
    assert.equal(err.error.type, 'permission_error');
    const inside = await gw.createKey({ ip_allowlist: ['127.0.0.0/8', '::1/128'] });
    assert.equal((await gw.call('/v1/chat/completions', { key: inside, body: hello })).status, 200);
  });

  test('a rotated key: the new secret works at once, the old one only inside the grace period', async () => {
    const created = (await (await gw.call('/api/keys', { body: { name: 'rotating' } })).json()) as { id: string; key: string };
    const oldSecret = created.key;
    const res = await gw.call(`/api/keys/${created.id}/rotate`, { body: { grace_period_seconds: 1 } });
    assert.equal(res.status, 200);
    const rotated = (await res.json()) as { key: string; prefix: string; previous_secret_expires_at: string; rotated_at: string };
    assert.notEqual(rotated.key, oldSecret);
    assert.ok(rotated.previous_secret_expires_at && rotated.rotated_at);
    assert.equal((await gw.call('/v1/models', { key: rotated.key })).status, 200);
    assert.equal((await gw.call('/v1/models', { key: oldSecret })).status, 200, 'old secret inside the grace period');
    await new Promise((r) => setTimeout(r, 1_100));
    const late = await gw.call('/v1/models', { key: oldSecret });
    assert.equal(late.status, 401, 'old secret after the grace period');
    assert.equal((await gw.call('/v1/models', { key: rotated.key })).status, 200);

    const again = (await (await gw.call(`/api/keys/${created.id}/rotate`, { body: { grace_period_seconds: 0 } })).json()) as { key: string };
    assert.equal((await gw.call('/v1/models', { key: rotated.key })).status, 401, 'no grace: the replaced secret stops at once');
    assert.equal((await gw.call('/v1/models', { key: again.key })).status, 200);
  });

  test('PATCH changes scopes and allowlist, effective at once; last use records time and address', async () => {
    const created = (await (await gw.call('/api/keys', { body: { name: 'patchable' } })).json()) as { id: string; key: string };
    assert.equal((await gw.call('/v1/chat/completions', { key: created.key, body: hello })).status, 200);
    const patched = await gw.call(`/api/keys/${created.id}`, { method: 'PATCH', body: { allowed_models: ['gpt-4.1*'], ip_allowlist: ['192.168.0.0/16'] } });
    assert.equal(patched.status, 200);
    assert.equal((await gw.call('/v1/chat/completions', { key: created.key, body: hello })).status, 403);
    const view = (await (await gw.call(`/api/keys/${created.id}`)).json()) as { last_used_at: string; last_used_ip: string; ip_allowlist: string[] };
    assert.ok(view.last_used_at);
    assert.match(view.last_used_ip, /127\.0\.0\.1/);
    assert.deepEqual(view.ip_allowlist, ['192.168.0.0/16']);
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
      [{ name: 'ok', kind: 'service', team_id: 'team_x', role: 'superuser' }, 'role'],
      [{ name: 'ok', kind: 'robot' }, 'kind'],
      [{ name: 'ok', endpoints: ['chat.completions', 'images'] }, 'endpoints[1]'],
      [{ name: 'ok', ip_allowlist: ['10.0.0.0/8', '10.0.0.0/33'] }, 'ip_allowlist[1]'],
      [{ name: 'ok', ip_allowlist: ['not-an-ip'] }, 'ip_allowlist[0]'],
      [{ name: 'ok', kind: 'service' }, 'team_id'],
      [{ name: 'ok', role: 'admin' }, 'role'],
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
