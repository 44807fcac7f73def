import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { storeKinds } from '../../test/helpers/stores.ts';

for (const kind of storeKinds()) {
  describe(`Store on ${kind.name}`, () => {
    test('migrations are applied once and are idempotent', async () => {
      const t = await kind.create();
      try {
        assert.deepEqual(await t.store.migrate(), [], 'a second run applies nothing');
        await t.store.ping();
        const tables = await t.store.db.introspection.getTables();
        const names = tables.map((x) => x.name);
        assert.ok(names.includes('api_keys'));
        assert.ok(names.includes('usage_records'));
      } finally {
        await t.dispose();
      }
    });
  });
}
