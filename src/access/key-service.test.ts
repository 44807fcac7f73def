import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../test/support/stores.ts';
import { TollgateError } from '../errors/index.ts';
import type { ChangeContext } from './change-record.ts';
import { Directory } from './directory/directory.ts';
import { KeyService } from './key-service.ts';

async function rejectsWith(p: Promise<unknown>, status: number, code: string) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TollgateError);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    return true;
  });
}

for (const kind of storeKinds()) {
  describe(`KeyService on ${kind.name}`, () => {
    let t: TestStore;
    let clock = Date.UTC(2026, 0, 1);
    let keys: KeyService;
    let ctx: ChangeContext;
    let orgId: string;
    let userId: string;
    let teamId: string;
    const create = (input: Partial<Parameters<KeyService['create']>[0]> & { name: string }) => keys.create({ orgId, userId, ...input }, ctx);
    before(async () => {
      t = await kind.create();
      const directory = new Directory(t.store, { now: () => clock });
      keys = new KeyService(t.store, directory, { cacheTtlMs: 60_000, now: () => clock });
      const org = await directory.createOrg('Acme', null);
      orgId = org.id;
      ctx = { actorId: 'system', orgId };
      teamId = (await directory.createTeam(orgId, 'Platform', ctx)).id;
      userId = (await directory.createUser({ orgId, email: 'ana@example.com', name: 'Ana', orgRole: 'owner' }, ctx)).id;
    });
    after(async () => {
      await keys.close();
      await t.dispose();
    });

    test('a created key authenticates; its secret is stored only as a hash', async () => {
      const { key, secret } = await create({ name: 'ci' });
      assert.match(secret, /^tg-[A-Za-z0-9_-]{40}$/);
      assert.equal(key.prefix, secret.slice(0, 11));
      const p = await keys.authenticate(`Bearer ${secret}`);
      assert.equal(p.keyId, key.id);
      assert.equal(p.userId, userId);
      assert.equal(p.actor.orgRole, 'owner', 'a personal key acts with its user\'s roles');
      const row = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
      assert.notEqual(row.hash, secret);
      assert.ok(!JSON.stringify(row).includes(secret.slice(11)), 'no part of the secret beyond the prefix is stored');
      const listed = await keys.listAll();
      assert.ok(!JSON.stringify(listed).includes(secret.slice(11)));
    });

    test('missing, malformed and unknown keys are refused with 401', async () => {
      await rejectsWith(keys.authenticate(undefined), 401, 'missing_api_key');
      await rejectsWith(keys.authenticate('Basic abc'), 401, 'invalid_api_key');
      await rejectsWith(keys.authenticate('Bearer sk-not-a-tollgate-key'), 401, 'invalid_api_key');
      await rejectsWith(keys.authenticate('Bearer tg-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), 401, 'invalid_api_key');
    });

    test('revocation takes effect at once, even for a cached key', async () => {
      const { key, secret } = await create({ name: 'to revoke' });
      await keys.authenticate(`Bearer ${secret}`);
      const revoked = await keys.revoke(key.id, ctx);
      assert.ok(revoked?.revoked_at);
      await rejectsWith(keys.authenticate(`Bearer ${secret}`), 401, 'revoked_api_key');
      assert.equal(await keys.revoke('key_unknown', ctx), undefined);
    });

    test('an expired key is refused with 401, also when its principal is cached', async () => {
      const { secret } = await create({ name: 'short', expiresAt: clock + 1_000 });
      await keys.authenticate(`Bearer ${secret}`);
      clock += 1_000;
      await rejectsWith(keys.authenticate(`Bearer ${secret}`), 401, 'expired_api_key');
    });

    test('allowed models are exact ids or prefixes ending in *', async () => {
      const { secret } = await create({ name: 'limited', allowedModels: ['gpt-4o-mini', 'gpt-4.1*'] });
      const p = await keys.authenticate(`Bearer ${secret}`);
      assert.ok(p.allowedModels?.allows('gpt-4o-mini'));
      assert.ok(p.allowedModels?.allows('gpt-4.1-nano'));
      assert.ok(!p.allowedModels?.allows('gpt-4o'));
    });

    test('last-used time is written by the periodic flush', async () => {
      const { key, secret } = await create({ name: 'used' });
      assert.equal((await keys.get(key.id))?.last_used_at, null);
      keys.touch(await keys.authenticate(`Bearer ${secret}`), '2001:db8::7');
      await keys.flushTouches();
      const seen = await keys.get(key.id);
      assert.equal(seen?.last_used_at, new Date(clock).toISOString());
      assert.equal(seen?.last_used_ip, '2001:db8::7');
    });

    test('a service key acts with its role in its team only', async () => {
      const { secret } = await create({ name: 'svc', userId: null, teamId, role: 'viewer' });
      const p = await keys.authenticate(`Bearer ${secret}`);
      assert.equal(p.userId, null);
      assert.deepEqual(p.actor.memberships, [{ teamId, role: 'viewer' }]);
      assert.equal(p.gatewayAllowed, false, 'viewers do not spend money');
    });

    test('rotation: the old secret works until the grace period ends, also when cached', async () => {
      const { key, secret: oldSecret } = await create({ name: 'rot' });
      await keys.authenticate(`Bearer ${oldSecret}`);
      const rotated = await keys.rotate(key.id, 60_000, ctx);
      assert.ok(rotated);
      assert.equal((await keys.authenticate(`Bearer ${rotated.secret}`)).keyId, key.id);
      assert.equal((await keys.authenticate(`Bearer ${oldSecret}`)).keyId, key.id);
      clock += 60_000;
      await rejectsWith(keys.authenticate(`Bearer ${oldSecret}`), 401, 'invalid_api_key');
      assert.equal((await keys.authenticate(`Bearer ${rotated.secret}`)).keyId, key.id);
      const row = await t.store.db.selectFrom('audit_events').selectAll().where('target', '=', key.id).where('action', '=', 'key.rotated').executeTakeFirstOrThrow();
      assert.ok(row.before && row.after, 'the change record has before and after');
      assert.ok(!`${row.before}${row.after}`.includes(rotated.secret.slice(11)), 'no secret in the change record');
    });

    test('a disabled user\'s personal key stops after the cache is dropped', async () => {
      const { secret } = await create({ name: 'usr' });
      await keys.authenticate(`Bearer ${secret}`);
      await t.store.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', userId).execute();
      keys.invalidateAll();
      await rejectsWith(keys.authenticate(`Bearer ${secret}`), 401, 'user_disabled');
      await t.store.db.updateTable('users').set({ status: 'active' }).where('id', '=', userId).execute();
      keys.invalidateAll();
    });
  });
}
