import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../test/helpers/stores.ts';
import { TollgateError } from '../http/errors.ts';
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
    before(async () => {
      t = await kind.create();
      keys = new KeyService(t.store, { cacheTtlMs: 60_000, now: () => clock });
    });
    after(async () => {
      await keys.close();
      await t.dispose();
    });

    test('a created key authenticates; its secret is stored only as a hash', async () => {
      const { key, secret } = await keys.create({ name: 'ci', owner: 'ana@example.com' });
      assert.match(secret, /^tg-[A-Za-z0-9_-]{40}$/);
      assert.equal(key.prefix, secret.slice(0, 11));
      const p = await keys.authenticate(`Bearer ${secret}`);
      assert.equal(p.keyId, key.id);
      assert.equal(p.owner, 'ana@example.com');
      const row = await t.store.db.selectFrom('api_keys').selectAll().where('id', '=', key.id).executeTakeFirstOrThrow();
      assert.notEqual(row.hash, secret);
      assert.ok(!JSON.stringify(row).includes(secret.slice(11)), 'no part of the secret beyond the prefix is stored');
      const listed = await keys.list();
      assert.ok(!JSON.stringify(listed).includes(secret.slice(11)));
    });

    test('missing, malformed and unknown keys are refused with 401', async () => {
      await rejectsWith(keys.authenticate(undefined), 401, 'missing_api_key');
      await rejectsWith(keys.authenticate('Basic abc'), 401, 'invalid_api_key');
      await rejectsWith(keys.authenticate('Bearer sk-not-a-tollgate-key'), 401, 'invalid_api_key');
      await rejectsWith(keys.authenticate('Bearer tg-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'), 401, 'invalid_api_key');
    });

    test('revocation takes effect at once, even for a cached key', async () => {
      const { key, secret } = await keys.create({ name: 'to revoke' });
      await keys.authenticate(`Bearer ${secret}`);
      const revoked = await keys.revoke(key.id);
      assert.ok(revoked?.revoked_at);
      await rejectsWith(keys.authenticate(`Bearer ${secret}`), 401, 'revoked_api_key');
      assert.equal(await keys.revoke('key_unknown'), undefined);
    });

    test('an expired key is refused with 401, also when its principal is cached', async () => {
      const { secret } = await keys.create({ name: 'short', expiresAt: clock + 1_000 });
      await keys.authenticate(`Bearer ${secret}`);
      clock += 1_000;
      await rejectsWith(keys.authenticate(`Bearer ${secret}`), 401, 'expired_api_key');
    });

    test('allowed models are exact ids or prefixes ending in *', async () => {
      const { secret } = await keys.create({ name: 'limited', allowedModels: ['gpt-4o-mini', 'gpt-4.1*'] });
      const p = await keys.authenticate(`Bearer ${secret}`);
      assert.ok(p.allowedModels?.allows('gpt-4o-mini'));
      assert.ok(p.allowedModels?.allows('gpt-4.1-nano'));
      assert.ok(!p.allowedModels?.allows('gpt-4o'));
    });

    test('last-used time is written by the periodic flush', async () => {
      const { key, secret } = await keys.create({ name: 'used' });
      assert.equal((await keys.get(key.id))?.last_used_at, null);
      await keys.authenticate(`Bearer ${secret}`);
      await keys.flushTouches();
      assert.equal((await keys.get(key.id))?.last_used_at, new Date(clock).toISOString());
    });
  });
}
