import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../../src/config/index.ts';
import { startGateway } from '../support/gateway.ts';
import { storeKinds, type TestStore } from '../support/stores.ts';

/*
 * Issue 10.5: TOLLGATE_METERING=off switched every budget off without a word: the gateway started,
 * served, and charged nothing against limits an admin had set. Now it refuses to start while
 * budgets exist, saying how many and how to get out.
 */
for (const kind of storeKinds()) {
  describe(`metering off while budgets exist (${kind.name})`, () => {
    let store: TestStore;
    before(async () => {
      store = await kind.create();
    });
    after(() => store.dispose());

    test('refuses to start with a ConfigError naming how many budgets and how to remove them or turn metering on; starts once they are gone', async () => {
      const withMetering = await startGateway({ store });
      const ids: string[] = [];
      try {
        const keyId = ((await (await withMetering.call('/api/keys', { body: { name: 'budgeted' } })).json()) as { id: string }).id;
        for (const period of ['daily', 'monthly']) {
          const res = await withMetering.call('/api/budgets', { body: { scope: 'key', scope_id: keyId, period, limit_usd: '1.00' } });
          assert.equal(res.status, 201, await res.clone().text());
          ids.push(((await res.json()) as { id: string }).id);
        }
      } finally {
        await withMetering.close();
      }

      const refused = await startGateway({ store, env: { TOLLGATE_METERING: 'off' } }).then(
        async (gw) => {
          await gw.close();
          return undefined;
        },
        (err: unknown) => err,
      );
      assert.ok(refused instanceof ConfigError, `expected a ConfigError, got ${String(refused)}`);
      assert.match(refused.message, /metering is off \(TOLLGATE_METERING=off/);
      assert.match(refused.message, /holds 2 budgets, which would not be enforced/);
      assert.match(refused.message, /turn metering on/);
      assert.match(refused.message, /DELETE \/api\/budgets\/\{id\}/);

      // The way out the message gives: delete them with metering on, then metering off starts.
      const again = await startGateway({ store });
      try {
        for (const id of ids) assert.equal((await again.call(`/api/budgets/${id}`, { method: 'DELETE' })).status, 200);
      } finally {
        await again.close();
      }
      const off = await startGateway({ store, env: { TOLLGATE_METERING: 'off' } });
      try {
        const res = await off.call('/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } });
        assert.equal(res.status, 200);
      } finally {
        await off.close();
      }
    });
  });
}
