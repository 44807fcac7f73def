import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OneTimeTokens } from '../../../src/access/credentials/one-time-token.ts';
import { sha256Hex } from '../../../src/access/credentials/constant-time.ts';
import { SqlOneTimeTokenStore } from '../../../src/access/credentials/sql-one-time-token-store.ts';
import { TollgateError } from '../../../src/errors/index.ts';
import { storeKinds } from '../../support/stores.ts';

const code = (c: string) => (e: unknown) => e instanceof TollgateError && e.code === c && e.param === 'token';

for (const kind of storeKinds()) {
  describe(`SqlOneTimeTokenStore (${kind.name})`, () => {
    async function setup() {
      const ts = await kind.create();
      const clock = { t: Date.UTC(2026, 0, 1) };
      const store = new SqlOneTimeTokenStore(ts.store);
      return { ts, clock, store, tokens: new OneTimeTokens(store, { now: () => clock.t }) };
    }

    test('stores only the hash; redeems once with its data; concurrent redemptions: exactly one wins', async () => {
      const { ts, tokens } = await setup();
      try {
        const { token } = await tokens.issue({ purpose: 'invitation', subject: 'ana@example.com', data: { role: 'admin' } });
        const rows = await ts.store.db.selectFrom('one_time_tokens').selectAll().execute();
        assert.equal(rows.length, 1);
        assert.equal(rows[0]!.hash, sha256Hex(token));
        assert.ok(!JSON.stringify(rows).includes(token));
        const record = await tokens.redeem(token, 'invitation');
        assert.deepEqual(record.data, { role: 'admin' });
        await assert.rejects(tokens.redeem(token, 'invitation'), code('token_already_used'));

        const { token: reset } = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1' });
        const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => tokens.redeem(reset, 'password_reset')));
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      } finally {
        await ts.dispose();
      }
    });

    test('expiry, purpose binding, revoking earlier reset links, deleting expired rows', async () => {
      const { ts, clock, store, tokens } = await setup();
      try {
        const first = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1', ttlMs: 60_000 });
        const second = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1', ttlMs: 60_000 });
        await assert.rejects(tokens.redeem(first.token, 'password_reset'), code('token_already_used'));
        await assert.rejects(tokens.redeem(second.token, 'invitation'), code('invalid_token'));
        clock.t += 60_000;
        await assert.rejects(tokens.redeem(second.token, 'password_reset'), code('expired_token'));
        assert.equal(await store.deleteExpired(clock.t + 1), 2);
        assert.equal(await store.find(sha256Hex(second.token)), undefined);
      } finally {
        await ts.dispose();
      }
    });
  });
}
