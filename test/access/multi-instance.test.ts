import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PasswordHasher } from '../../src/access/credentials/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { createPostgresStore, type TestStore } from '../support/stores.ts';

const pgUrl = process.env.TOLLGATE_TEST_DATABASE_URL;
const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

/*
 * Two Tollgate instances behind a load balancer share one PostgreSQL: what one does to sessions,
 * keys and users, the other honours — sessions at once (read from the store on every request),
 * keys within a second through the change feed (multi-process-revocation.test.ts), at the latest
 * within TOLLGATE_KEY_CACHE_TTL_MS.
 */
describe('two instances sharing PostgreSQL', { skip: pgUrl ? false : 'needs TOLLGATE_TEST_DATABASE_URL' }, () => {
  const TTL_MS = 300;
  let store: TestStore;
  let a: TestGateway;
  let b: TestGateway;
  const password = 'correct horse battery staple';
  before(async () => {
    store = await createPostgresStore(pgUrl!);
    const env = { TOLLGATE_KEY_CACHE_TTL_MS: String(TTL_MS) };
    a = await startGateway({ store, env });
    b = await startGateway({ store, env });
    const hash = await new PasswordHasher().hash(password);
    await store.store.db.updateTable('users').set({ password_hash: hash }).where('id', '=', a.tg.home.owner.id).execute();
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await store?.dispose();
  });

  const signIn = async (gw: TestGateway) => {
    const res = await gw.call('/api/auth/sign-in', { key: null, body: { email: gw.tg.home.owner.email, password } });
    assert.equal(res.status, 200, await res.clone().text());
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return { cookie, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
  };

  test('a session from one instance works on the other and ends on both at sign-out', async () => {
    const { cookie, csrf } = await signIn(a);
    assert.equal((await b.call('/api/me', { key: null, headers: { cookie } })).status, 200);
    assert.equal((await b.call('/api/auth/sign-out', { key: null, method: 'POST', headers: { cookie, 'x-csrf-token': csrf } })).status, 204);
    assert.equal((await a.call('/api/me', { key: null, headers: { cookie } })).status, 401, 'ended on the instance that did not sign out');
  });

  test('a key revoked on one instance stops on the other within the cache period', async () => {
    const created = (await (await a.call('/api/keys', { body: { name: 'shared' } })).json()) as { id: string; key: string };
    assert.equal((await b.call('/v1/chat/completions', { key: created.key, body: hello })).status, 200);
    assert.equal((await a.call(`/api/keys/${created.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await a.call('/v1/chat/completions', { key: created.key, body: hello })).status, 401, 'at once where it was revoked');
    await new Promise((r) => setTimeout(r, TTL_MS + 50));
    assert.equal((await b.call('/v1/chat/completions', { key: created.key, body: hello })).status, 401, 'within the TTL on the other');
  });

  test('failed sign-ins spread over both instances are counted together', async () => {
    const wrong = { email: a.tg.home.owner.email, password: 'not the right passphrase' };
    for (let i = 0; i < 5; i++) {
      const res = await (i % 2 ? a : b).call('/api/auth/sign-in', { key: null, body: wrong });
      assert.equal(res.status, 401, `attempt ${i + 1}`);
    }
    for (const gw of [a, b]) {
      const res = await gw.call('/api/auth/sign-in', { key: null, body: { ...wrong, password } });
      assert.equal(res.status, 429, 'the fifth failure slows the account on both instances, even for the right password');
      assert.ok(Number(res.headers.get('retry-after')) >= 1);
    }
    await new Promise((r) => setTimeout(r, 1_100));
    assert.equal((await a.call('/api/auth/sign-in', { key: null, body: { ...wrong, password } })).status, 200);
  });

  test('a team created on one instance is usable on the other at once', async () => {
    const team = (await (await a.call('/api/teams', { body: { name: 'Shared team' } })).json()) as { id: string };
    const res = await b.call('/api/keys', { body: { name: 'svc', kind: 'service', team_id: team.id } });
    assert.equal(res.status, 201, await res.clone().text());
  });
});
