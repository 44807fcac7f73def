import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ChangeContext } from '../../src/access/change-record.ts';
import { createSqliteStore, type TestStore } from '../support/stores.ts';
import { api, buildWorld, type TestKey, type World } from './metering-access/world.ts';

/*
 * Issue 8, point 1: a team admin could rotate a personal key of their team (the owner's included),
 * receive its new secret and act with all of that person's roles. A caller must never leave a key
 * route holding a credential stronger than the one they came with.
 */
describe('key takeover by rotation, and keys that mint broader keys', () => {
  let store: TestStore;
  let w: World;
  let ownerInA: TestKey;
  const ctx = (): ChangeContext => ({ actorId: 'system', orgId: w.org.id });
  before(async () => {
    store = await createSqliteStore();
    w = await buildWorld(store);
    // The owner's personal key counting to team A: inside the team admin's reach for keys.update.
    const created = await w.gw.tg.keys.create({ name: 'owner in A', orgId: w.org.id, teamId: w.teamA.id, userId: w.gw.tg.home.owner.id }, ctx());
    ownerInA = { id: created.key.id, secret: created.secret };
  });
  after(async () => {
    await w?.close();
    await store?.dispose();
  });

  test("a team admin cannot rotate the owner's personal key and so cannot become owner", async () => {
    const res = await api<{ key?: string; error?: { code: string; type: string } }>(w, w.keys.adminA, `/api/keys/${ownerInA.id}/rotate`, { method: 'POST', body: { grace_period_seconds: 86_400 } });
    assert.equal(res.status, 403, JSON.stringify(res.json));
    assert.equal(res.json.error?.code, 'personal_key_not_yours');
    assert.equal(res.json.error?.type, 'permission_error');
    assert.equal(res.json.key, undefined, 'no secret in the refusal');
    // The attack's second step, had it worked: the admin makes themselves owner.
    const escalate = await api(w, w.keys.adminA, `/api/users/${w.users.adminA.id}`, { method: 'PATCH', body: { org_role: 'owner' } });
    assert.equal(escalate.status, 403);
    // The owner's key is untouched and keeps working.
    const view = await api<{ rotated_at: string | null }>(w, w.keys.owner, `/api/keys/${ownerInA.id}`);
    assert.equal(view.json.rotated_at, null);
    assert.equal((await w.gw.call('/v1/models', { key: ownerInA.secret })).status, 200);
  });

  test("a team admin cannot rotate a member's personal key either, but may restrict and revoke it", async () => {
    const victim = (await w.gw.tg.keys.create({ name: 'member laptop', orgId: w.org.id, teamId: w.teamA.id, userId: w.users.memberA.id }, ctx())).key;
    const rotate = await api<{ error?: { code: string } }>(w, w.keys.adminA, `/api/keys/${victim.id}/rotate`, { method: 'POST', body: {} });
    assert.equal(rotate.status, 403);
    assert.equal(rotate.json.error?.code, 'personal_key_not_yours');
    const restrict = await api<{ allowed_models: string[] }>(w, w.keys.adminA, `/api/keys/${victim.id}`, { method: 'PATCH', body: { allowed_models: ['gpt-4o-mini'] } });
    assert.equal(restrict.status, 200, JSON.stringify(restrict.json));
    assert.deepEqual(restrict.json.allowed_models, ['gpt-4o-mini']);
    // The owner, with every grant, cannot obtain it either.
    const byOwner = await api<{ error?: { code: string } }>(w, w.keys.owner, `/api/keys/${victim.id}/rotate`, { method: 'POST', body: {} });
    assert.equal(byOwner.status, 403);
    assert.equal((await api(w, w.keys.adminA, `/api/keys/${victim.id}`, { method: 'DELETE' })).status, 200, 'offboarding: the admin revokes it');
  });

  test('the user may rotate their own personal key', async () => {
    const mine = await w.gw.tg.keys.create({ name: 'mine', orgId: w.org.id, teamId: w.teamA.id, userId: w.users.memberA.id }, ctx());
    const res = await api<{ key: string }>(w, w.keys.memberA, `/api/keys/${mine.key.id}/rotate`, { method: 'POST', body: { grace_period_seconds: 0 } });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal((await w.gw.call('/v1/models', { key: res.json.key })).status, 200);
    assert.equal((await w.gw.call('/v1/models', { key: mine.secret })).status, 401);
  });

  test('a team admin cannot rotate a service key whose role they could not grant (owner, auditor)', async () => {
    for (const role of ['owner', 'auditor'] as const) {
      const svc = await w.gw.tg.keys.create({ name: `svc ${role}`, orgId: w.org.id, teamId: w.teamA.id, role }, ctx());
      const res = await api<{ key?: string; error?: { code: string } }>(w, w.keys.adminA, `/api/keys/${svc.key.id}/rotate`, { method: 'POST', body: {} });
      assert.equal(res.status, 403, `${role}: ${JSON.stringify(res.json)}`);
      assert.equal(res.json.key, undefined);
    }
    // A service key of a role the admin could create is theirs to rotate.
    const member = await w.gw.tg.keys.create({ name: 'svc member', orgId: w.org.id, teamId: w.teamA.id, role: 'member' }, ctx());
    assert.equal((await api(w, w.keys.adminA, `/api/keys/${member.key.id}/rotate`, { method: 'POST', body: {} })).status, 200);
  });

  test('a restricted key cannot create an unrestricted key; what it creates inherits its restrictions', async () => {
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const restricted = await w.gw.tg.keys.create(
      { name: 'restricted', orgId: w.org.id, teamId: w.teamA.id, userId: w.users.adminA.id, allowedModels: ['gpt-4o-mini'], endpoints: ['chat.completions', 'api'], ipAllowlist: ['127.0.0.0/8'], expiresAt: Date.parse(expires) },
      ctx(),
    );
    const key: TestKey = { id: restricted.key.id, secret: restricted.secret };
    const broader: Record<string, unknown>[] = [
      { allowed_models: null },
      { allowed_models: ['gpt-4o'] },
      { allowed_models: ['gpt-4o*'] },
      { endpoints: null },
      { endpoints: ['embeddings'] },
      { ip_allowlist: null },
      { ip_allowlist: ['0.0.0.0/0'] },
      { expires_at: null },
      { expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    ];
    for (const extra of broader) {
      const res = await api<{ key?: string; error?: { code: string; param: string } }>(w, key, '/api/keys', { body: { name: 'wider', ...extra } });
      assert.equal(res.status, 403, `${JSON.stringify(extra)}: ${JSON.stringify(res.json)}`);
      assert.equal(res.json.error?.code, 'key_broader_than_caller');
      assert.equal(res.json.error?.param, Object.keys(extra)[0]);
      assert.equal(res.json.key, undefined);
    }
    const inherited = await api<{ allowed_models: string[]; endpoints: string[]; ip_allowlist: string[]; expires_at: string }>(w, key, '/api/keys', { body: { name: 'child' } });
    assert.equal(inherited.status, 201, JSON.stringify(inherited.json));
    assert.deepEqual(inherited.json.allowed_models, ['gpt-4o-mini']);
    assert.deepEqual(inherited.json.endpoints, ['chat.completions', 'api']);
    assert.deepEqual(inherited.json.ip_allowlist, ['127.0.0.0/8']);
    assert.equal(inherited.json.expires_at, expires);
    const narrower = await api(w, key, '/api/keys', { body: { name: 'narrower', endpoints: ['chat.completions'], ip_allowlist: ['127.0.0.1'], expires_at: new Date(Date.now() + 60_000).toISOString() } });
    assert.equal(narrower.status, 201, JSON.stringify(narrower.json));
  });

  test("a restricted key cannot rotate its user's unrestricted key nor lift its own restrictions", async () => {
    const restricted = await w.gw.tg.keys.create({ name: 'ci only', orgId: w.org.id, teamId: w.teamA.id, userId: w.users.memberA.id, allowedModels: ['gpt-4o-mini'] }, ctx());
    const key: TestKey = { id: restricted.key.id, secret: restricted.secret };
    const rotate = await api<{ key?: string; error?: { code: string } }>(w, key, `/api/keys/${w.keys.memberA.id}/rotate`, { method: 'POST', body: {} });
    assert.equal(rotate.status, 403, JSON.stringify(rotate.json));
    assert.equal(rotate.json.error?.code, 'key_broader_than_caller');
    const lift = await api<{ error?: { code: string } }>(w, key, `/api/keys/${key.id}`, { method: 'PATCH', body: { allowed_models: null } });
    assert.equal(lift.status, 403, JSON.stringify(lift.json));
    const tighten = await api(w, key, `/api/keys/${key.id}`, { method: 'PATCH', body: { endpoints: ['chat.completions', 'api'] } });
    assert.equal(tighten.status, 200, JSON.stringify(tighten.json));
    // Rotating itself yields a secret with the same restrictions: allowed.
    assert.equal((await api(w, key, `/api/keys/${key.id}/rotate`, { method: 'POST', body: { grace_period_seconds: 0 } })).status, 200);
  });
});
