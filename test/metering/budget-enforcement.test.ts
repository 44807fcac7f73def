import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { storeKinds } from '../support/stores.ts';
import { usdToNanos as nanos } from '../support/money.ts';

interface BudgetView {
  id: string;
  spent_usd: string;
  reserved_usd: string;
  remaining_usd: string;
  limit_usd: string;
}

const body = { model: 'gpt-4o-mini', max_tokens: 20, messages: [{ role: 'user' as const, content: 'Say something about budgets.' }] };

for (const kind of storeKinds()) {
  describe(`budgets on the gateway (${kind.name})`, () => {
    let gw: TestGateway;
    let keyId: string;
    let key: string;
    let store: Awaited<ReturnType<typeof kind.create>>;
    before(async () => {
      store = await kind.create();
      gw = await startGateway({ store });
      const created = (await (await gw.call('/api/keys', { body: { name: 'budgeted' } })).json()) as { id: string; key: string };
      keyId = created.id;
      key = created.key;
    });
    after(async () => {
      await gw.close();
      await store.dispose();
    });

    const budget = async (id: string) => (await (await gw.call(`/api/budgets/${id}`)).json()) as BudgetView;

    test('200 concurrent requests against a budget covering 50 worst cases never overspend', async () => {
      // Worst case of one request: its prompt at input price plus max_tokens (20) at output price.
      // Measure the prompt once through another key, then size the budget for exactly 50 worst cases.
      const probe = (await (await gw.call('/v1/chat/completions', { body })).json()) as { usage: { prompt_tokens: number } };
      const worstPicos = probe.usage.prompt_tokens * 150_000 + 20 * 600_000;
      const worst = Math.ceil(worstPicos / 1000);
      const limitNanos = 50 * worst;
      const limitUsd = `${Math.floor(limitNanos / 1e9)}.${String(limitNanos % 1e9).padStart(9, '0')}`;
      const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: keyId, period: 'daily', limit_usd: limitUsd, name: 'concurrency' } });
      assert.equal(res.status, 201, await res.clone().text());
      const b = (await res.json()) as BudgetView;

      let maxHeld = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const v = await budget(b.id);
          maxHeld = Math.max(maxHeld, nanos(v.spent_usd) + nanos(v.reserved_usd));
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const results = await Promise.all(Array.from({ length: 200 }, () => gw.call('/v1/chat/completions', { key, body }).then(async (r) => ({ status: r.status, body: await r.text() }))));
      sampling = false;
      await sampler;

      const ok = results.filter((r) => r.status === 200).length;
      const refused = results.filter((r) => r.status === 429);
      assert.equal(ok + refused.length, 200, 'every request is either served or refused with 429');
      assert.ok(ok >= 50, `at least the 50 covered requests are served (got ${ok})`);
      for (const r of refused) assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, 'budget_exceeded');
      assert.ok(maxHeld <= limitNanos, `spent + reserved never exceeded the limit (${maxHeld} > ${limitNanos})`);

      const usage = (await (await gw.call(`/api/usage?key_id=${keyId}&limit=10000`)).json()) as { totals: { cost_usd: string; requests: number } };
      assert.ok(nanos(usage.totals.cost_usd) <= limitNanos, 'the ledger total does not exceed the limit');
      const after = await budget(b.id);
      assert.equal(nanos(after.reserved_usd), 0, 'every reservation was settled or released');
      assert.equal(nanos(after.spent_usd), nanos(usage.totals.cost_usd), 'budget spend equals the ledger');
      await gw.call(`/api/budgets/${b.id}`, { method: 'DELETE' });
    });

    test('the hard limit answers 429 budget_exceeded naming budget, spent, limit and reset; the SDK raises RateLimitError', async () => {
      const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: keyId, period: 'monthly', timezone: 'Europe/Berlin', limit_usd: '0.000001', name: 'tiny' } });
      const b = (await res.json()) as BudgetView;
      const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
      const seen = gw.sim.requests.length;
      const err = await client.chat.completions.create(body).catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.equal(err.code, 'budget_exceeded');
      assert.match(err.message, /tiny/);
      assert.match(err.message, /0\.000001/);
      assert.match(err.message, /\d{4}-\d{2}-\d{2}T/);
      assert.equal(gw.sim.requests.length, seen, 'nothing reached the upstream');
      assert.ok(Number(err.headers?.get('retry-after')) > 0);

      // A change takes effect for the next request.
      const patch = await gw.call(`/api/budgets/${b.id}`, { method: 'PATCH', body: { limit_usd: '100.00' } });
      assert.equal(patch.status, 200);
      const ok = await client.chat.completions.create(body);
      assert.ok(ok.choices[0]!.message.content);
      await gw.call(`/api/budgets/${b.id}`, { method: 'DELETE' });
    });

    test('soft thresholds alert once per period', async () => {
      const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: keyId, period: 'total', limit_usd: '0.0005', thresholds: [1, 2] } });
      const b = (await res.json()) as BudgetView;
      for (let i = 0; i < 3; i++) await gw.call('/v1/chat/completions', { key, body });
      await gw.tg.budgets.flush();
      const alerts = (await (await gw.call(`/api/alerts?budget_id=${b.id}`)).json()) as { data: { kind: string; threshold: number }[] };
      assert.deepEqual(alerts.data.map((a) => a.threshold).sort(), [1, 2]);
      await gw.call(`/api/budgets/${b.id}`, { method: 'DELETE' });
    });

    test('bad budgets are refused with 400 naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ scope: 'key', scope_id: keyId, period: 'daily', limit_usd: '-1' }, 'limit_usd'],
        [{ scope: 'key', scope_id: keyId, period: 'daily', limit_usd: 'NaN' }, 'limit_usd'],
        [{ scope: 'key', scope_id: keyId, period: 'daily', limit_usd: '1e9' }, 'limit_usd'],
        [{ scope: 'key', scope_id: keyId, period: 'daily', limit_usd: '99999999999' }, 'limit_usd'],
        [{ scope: 'key', scope_id: keyId, period: 'hourly', limit_usd: '1' }, 'period'],
        [{ scope: 'key', scope_id: keyId, period: 'daily', limit_usd: '1', timezone: 'Mars/Olympus' }, 'timezone'],
        [{ scope: 'galaxy', scope_id: keyId, period: 'daily', limit_usd: '1' }, 'scope'],
      ];
      for (const [b, param] of cases) {
        const res = await gw.call('/api/budgets', { body: b });
        assert.equal(res.status, 400, JSON.stringify(b));
        assert.equal(((await res.json()) as { error: { param: string } }).error.param, param);
      }
    });
  });
}
