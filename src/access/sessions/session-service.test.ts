import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { Directory } from '../directory/directory.ts';
import { SessionService } from './session-service.ts';

for (const kind of storeKinds()) {
  describe(`SessionService on ${kind.name}`, () => {
    let t: TestStore;
    let clock = Date.UTC(2026, 10, 25, 9);
    let sessions: SessionService;
    let userId: string;
    const MINUTE = 60_000;
    before(async () => {
      t = await kind.create();
      const directory = new Directory(t.store, { now: () => clock });
      sessions = new SessionService(t.store, directory, { idleTtlMs: 30 * MINUTE, absoluteTtlMs: 8 * 60 * MINUTE, now: () => clock });
      const org = await directory.createOrg('Acme', null);
      userId = (await directory.createUser({ orgId: org.id, email: 'ana@example.com', name: 'Ana' }, { actorId: 'system', orgId: org.id })).id;
    });
    after(() => t.dispose());

    test('only a hash of the cookie value is stored', async () => {
      const { token } = await sessions.start(userId, { method: 'password' });
      const rows = await t.store.db.selectFrom('sessions').selectAll().execute();
      assert.ok(!JSON.stringify(rows).includes(token));
      assert.equal((await sessions.authenticate(token))?.user.id, userId);
      assert.equal(await sessions.authenticate(`${token}x`), undefined);
    });

    test('a session ends after the idle period without requests; use keeps it alive until the absolute limit', async () => {
      const idle = await sessions.start(userId, { method: 'password' });
      const busy = await sessions.start(userId, { method: 'password' });
      for (let i = 0; i < 15; i++) {
        clock += 29 * MINUTE;
        assert.ok(await sessions.authenticate(busy.token), `busy session alive after ${(i + 1) * 29} min`);
      }
      assert.equal(await sessions.authenticate(idle.token), undefined, 'idle for 7 h 15 min');
      clock += 29 * MINUTE; // 7 h 44 min after sign-in
      assert.ok(await sessions.authenticate(busy.token));
      clock += 20 * MINUTE; // past 8 h
      assert.equal(await sessions.authenticate(busy.token), undefined, 'ended by the absolute limit');
      assert.deepEqual(await sessions.list(userId), []);
    });
  });
}
