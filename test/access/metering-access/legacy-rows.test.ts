import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { storeKinds, type TestStore } from '../../support/stores.ts';

for (const kind of storeKinds()) {
  describe(`rows from before organizations are placed on start (${kind.name})`, () => {
    let store: TestStore;
    let gw: TestGateway;
    before(async () => {
      store = await kind.create();
      const db = store.store.db;
      // What a store written before migration 0005 holds: a key, a ledger row and a budget without placement.
      await db
        .insertInto('api_keys')
        .values({ id: 'key_legacy', name: 'legacy', prefix: 'tg-legacy', hash: 'hash-legacy', owner: null, role: 'user', allowed_models: null, created_at: 1, last_used_at: null, expires_at: null, revoked_at: null })
        .execute();
      await db
        .insertInto('usage_records')
        .values({ request_id: 'req_legacy', created_at: Date.now(), key_id: 'key_legacy', endpoint: '/v1/chat/completions', model_requested: 'gpt-4o', model_served: 'gpt-4o', status: 200, latency_ms: 5, upstream_request_id: null, error_code: null, service_tier: null, cost_nanos: 1000, budget_periods: null })
        .execute();
      await db
        .insertInto('usage_records')
        .values({ request_id: 'req_nokey', created_at: Date.now(), key_id: null, endpoint: '/v1/chat/completions', model_requested: null, model_served: null, status: 401, latency_ms: 1, upstream_request_id: null, error_code: 'invalid_api_key', service_tier: null, cost_nanos: 0, budget_periods: null })
        .execute();
      await db
        .insertInto('budgets')
        .values({ id: 'bud_legacy', name: 'legacy', scope: 'key', scope_id: 'key_legacy', period: 'daily', timezone: 'UTC', limit_nanos: 5e9, thresholds: '[50]', created_at: 1, updated_at: 1, org_id: null, team_id: null, owner_user_id: null })
        .execute();
      await db
        .insertInto('budgets')
        .values({ id: 'bud_legacy_team', name: 'legacy team', scope: 'team', scope_id: 'whatever', period: 'daily', timezone: 'UTC', limit_nanos: 5e9, thresholds: '[50]', created_at: 1, updated_at: 1, org_id: null, team_id: null, owner_user_id: null })
        .execute();
      gw = await startGateway({ store });
    });
    after(async () => {
      await gw.close();
      await store.dispose();
    });

    test("a legacy ledger row belongs where its key now is; a row without a key to the home organization", async () => {
      const home = gw.tg.home;
      const row = (await (await gw.call('/api/usage/req_legacy')).json()) as { org_id: string; team_id: string; user_id: string | null };
      assert.deepEqual([row.org_id, row.team_id, row.user_id], [home.org.id, home.defaultTeam.id, null]);
      const nokey = (await (await gw.call('/api/usage/req_nokey')).json()) as { org_id: string; team_id: string | null };
      assert.deepEqual([nokey.org_id, nokey.team_id], [home.org.id, null]);
    });

    test("a legacy key budget is placed like its key; other legacy budgets belong to the home organization", async () => {
      const home = gw.tg.home;
      const b = (await (await gw.call('/api/budgets/bud_legacy')).json()) as { org_id: string; team_id: string | null };
      assert.deepEqual([b.org_id, b.team_id], [home.org.id, home.defaultTeam.id]);
      const t = (await (await gw.call('/api/budgets/bud_legacy_team')).json()) as { org_id: string; team_id: string | null };
      assert.deepEqual([t.org_id, t.team_id], [home.org.id, null]);
    });
  });
}
