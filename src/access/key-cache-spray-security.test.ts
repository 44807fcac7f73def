import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createSqliteStore, type TestStore } from '../../test/support/stores.ts';
import { TollgateError } from '../errors/index.ts';
import type { ChangeContext } from './change-record.ts';
import { Directory } from './directory/directory.ts';
import { KeyService } from './key-service.ts';

/*
 * Issue 8, point 8: the key cache emptied completely at 10,000 entries and kept refusals in the
 * same map, so ~10,000 random well-formed `tg-` keys sent every legitimate key back to the
 * database; concurrent misses for one key were not deduplicated.
 */
describe('the key cache under a spray of random keys', () => {
  let t: TestStore;
  let directory: Directory;
  let keys: KeyService;
  let ctx: ChangeContext;
  const secrets: { id: string; secret: string }[] = [];
  before(async () => {
    t = await createSqliteStore();
    directory = new Directory(t.store);
    keys = new KeyService(t.store, directory, { cacheTtlMs: 600_000 });
    const org = await directory.createOrg('Acme', null);
    ctx = { actorId: 'system', orgId: org.id };
    const teamId = (await directory.createTeam(org.id, 'Platform', ctx)).id;
    const userId = (await directory.createUser({ orgId: org.id, email: 'ana@example.com', name: 'Ana', orgRole: 'owner' }, ctx)).id;
    for (let i = 0; i < 20; i++) {
      const { key, secret } = await keys.create({ name: `k${i}`, orgId: org.id, userId, teamId }, ctx);
      secrets.push({ id: key.id, secret });
    }
  });
  after(async () => {
    await keys.close();
    await t.dispose();
  });

  const randomKey = () => `tg-${randomBytes(30).toString('base64url')}`;

  test('legitimate keys stay cached through 20,000 random keys', async () => {
    for (const { secret } of secrets) assert.ok(await keys.authenticate(`Bearer ${secret}`));
    for (let i = 0; i < 20_000; i++) {
      await assert.rejects(keys.authenticate(`Bearer ${randomKey()}`), (e: unknown) => e instanceof TollgateError && e.code === 'invalid_api_key');
    }
    // Remove the rows behind the cache's back: only a key still in the cache can authenticate now.
    await t.store.db.deleteFrom('api_keys').where('id', 'in', secrets.map((s) => s.id)).execute();
    for (const { secret, id } of secrets) {
      const principal = await keys.authenticate(`Bearer ${secret}`);
      assert.equal(principal.keyId, id, 'served from the cache, not evicted by the spray');
    }
  });

  test('concurrent misses for one key load it once', async () => {
    keys.invalidateAll();
    const { key, secret } = await keys.create({ name: 'fresh', orgId: ctx.orgId, userId: (await directory.findUserByEmail('ana@example.com'))!.id }, ctx);
    let loads = 0;
    const original = directory.loadActor.bind(directory);
    directory.loadActor = async (userId: string) => {
      loads++;
      return original(userId);
    };
    try {
      const all = await Promise.all(Array.from({ length: 50 }, () => keys.authenticate(`Bearer ${secret}`)));
      assert.ok(all.every((p) => p.keyId === key.id));
      assert.equal(loads, 1, 'one load for 50 concurrent misses');
    } finally {
      directory.loadActor = original;
    }
  });

  test('a refusal is remembered apart: a revoked key stays refused without evicting anything', async () => {
    const { key, secret } = await keys.create({ name: 'to revoke', orgId: ctx.orgId, userId: (await directory.findUserByEmail('ana@example.com'))!.id }, ctx);
    await keys.revoke(key.id, ctx);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(keys.authenticate(`Bearer ${secret}`), (e: unknown) => e instanceof TollgateError && e.code === 'revoked_api_key');
    }
  });
});
