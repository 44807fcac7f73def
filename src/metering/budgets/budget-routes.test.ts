import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { after, before, describe, test } from 'node:test';
import { storeKinds, type TestStore } from '../../../test/support/stores.ts';
import { toTollgateError } from '../../errors/index.ts';
import { registerRoutes } from '../../http/routes/index.ts';
import { budgetRoutes } from './budget-routes.ts';
import type { BudgetService } from './budget-service.ts';
import { Directory } from '../../access/index.ts';
import { actAs, clock, insertKey, Services, usd } from '../../../test/support/budget-fixture.ts';

for (const kind of storeKinds()) {
  describe(`Budget routes on ${kind.name}`, () => {
    let t: TestStore;
    let services: Services;
    let budgets: BudgetService;
    let app: FastifyInstance;
    let orgId: string;
    const c = clock('2026-11-10T06:00:00Z');

    before(async () => {
      t = await kind.create();
      const directory = new Directory(t.store);
      const org = await directory.createOrg('Home', null);
      orgId = org.id;
      await insertKey(t.store, 'key_r', org.id);
      services = new Services(t);
      budgets = await services.make({ now: c.now });
      app = Fastify();
      actAs(app, { userId: 'usr_owner', orgId: org.id, memberships: [], orgRole: 'owner' });
      app.setErrorHandler(async (err, _req, reply) => {
        const e = toTollgateError(err);
        if (e.headers) reply.headers(e.headers);
        return reply.code(e.status).send(e.toBody());
      });
      registerRoutes(app, budgetRoutes({ budgets, directory }), { checkResponses: true });
      app.post<{ Body: { key: string; worst: number } }>('/api/spend', async (req) => {
        const r = await budgets.reserve({ keyId: req.body.key }, req.body.worst);
        await r.settle(req.body.worst);
        return { periods: r.periods };
      });
    });
    after(async () => {
      await app.close();
      await services.close();
      await t.dispose();
    });

    const post = (url: string, payload: unknown) => app.inject({ method: 'POST', url, payload: payload as object });
    const patch = (url: string, payload: unknown) => app.inject({ method: 'PATCH', url, payload: payload as object });

    test('create, read, change and delete a budget; money is decimal strings', async () => {
      const created = await post('/api/budgets', { scope: 'key', scope_id: 'key_r', period: 'daily', limit_usd: '5.00' });
      assert.equal(created.statusCode, 201);
      const b = created.json();
      assert.match(b.id, /^bud_/);
      assert.deepEqual(
        { ...b, id: undefined },
        {
          id: undefined,
          object: 'budget',
          name: 'daily key budget for key_r',
          scope: 'key',
          scope_id: 'key_r',
          org_id: orgId,
          team_id: null,
          owner_user_id: null,
          creator_role: 'owner',
          period: 'daily',
          timezone: 'UTC',
          limit_usd: '5.00',
          thresholds: [50, 80, 100],
          period_id: 'd:2026-11-10',
          period_start: '2026-11-10T00:00:00.000Z',
          resets_at: '2026-11-11T00:00:00.000Z',
          spent_usd: '0.00',
          reserved_usd: '0.00',
          remaining_usd: '5.00',
          projected_usd: '0.00',
          unpriced_requests: 0,
          created_at: '2026-11-10T06:00:00.000Z',
          updated_at: '2026-11-10T06:00:00.000Z',
        },
      );
      assert.equal((await app.inject({ method: 'GET', url: `/api/budgets/${b.id}` })).json().id, b.id);
      const changed = await patch(`/api/budgets/${b.id}`, { limit_usd: '7.5', thresholds: [25, 75], name: 'renamed', timezone: 'Asia/Tokyo' });
      assert.equal(changed.statusCode, 200);
      assert.deepEqual([changed.json().limit_usd, changed.json().thresholds, changed.json().name, changed.json().timezone], ['7.50', [25, 75], 'renamed', 'Asia/Tokyo']);
      assert.equal(changed.json().period_id, 'd:2026-11-10');
      assert.equal(changed.json().resets_at, '2026-11-10T15:00:00.000Z');
      const deleted = await app.inject({ method: 'DELETE', url: `/api/budgets/${b.id}` });
      assert.deepEqual(deleted.json(), { id: b.id, object: 'budget.deleted', deleted: true });
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const r = await app.inject({ method, url: `/api/budgets/${b.id}`, ...(method === 'PATCH' ? { payload: {} } : {}) });
        assert.equal(r.statusCode, 404, method);
        assert.equal(r.json().error.code, 'budget_not_found');
      }
    });

    test('the list shows spent, reserved, remaining, reset and the projected spend at period end', async () => {
      const monthly = (await post('/api/budgets', { scope: 'key', scope_id: 'key_r', period: 'monthly', limit_usd: '20.00' })).json();
      const daily = (await post('/api/budgets', { scope: 'key', scope_id: 'key_r', period: 'daily', limit_usd: '10', thresholds: [90] })).json();
      const total = (await post('/api/budgets', { scope: 'key', scope_id: 'key_r', period: 'total', limit_usd: '100' })).json();
      // Created at 06:00 on Nov 10; a day later at 06:00, with $2 spent today.
      c.set('2026-11-11T06:00:00Z');
      assert.equal((await post('/api/spend', { key: 'key_r', worst: usd(2) })).statusCode, 200);
      const held = await budgets.reserve({ keyId: 'key_r' }, usd(0.5));
      const list = (await app.inject({ method: 'GET', url: '/api/budgets' })).json();
      assert.equal(list.object, 'list');
      const byId = new Map<string, Record<string, unknown>>(list.data.map((x: { id: string }) => [x.id, x]));
      assert.deepEqual(pick(byId.get(daily.id)!), {
        period_id: 'd:2026-11-11',
        spent_usd: '2.00',
        reserved_usd: '0.50',
        remaining_usd: '7.50',
        resets_at: '2026-11-12T00:00:00.000Z',
        projected_usd: '8.00', // $2 in 6 of 24 hours
      });
      assert.deepEqual(pick(byId.get(monthly.id)!), {
        period_id: 'm:2026-11',
        spent_usd: '2.00',
        reserved_usd: '0.50',
        remaining_usd: '17.50',
        resets_at: '2026-12-01T00:00:00.000Z',
        projected_usd: '41.50', // counted from creation: $2 in 1 day, 19.75 days left
      });
      assert.deepEqual(pick(byId.get(total.id)!), {
        period_id: 'total',
        spent_usd: '2.00',
        reserved_usd: '0.50',
        remaining_usd: '97.50',
        resets_at: null,
        projected_usd: null,
      });
      await held.release();
      for (const b of [monthly, daily, total]) await app.inject({ method: 'DELETE', url: `/api/budgets/${b.id}` });
      c.set('2026-11-10T06:00:00Z');
    });

    test('an exceeded budget answers 429 in OpenAI shape with Retry-After', async () => {
      const b = (await post('/api/budgets', { name: 'tiny', scope: 'key', scope_id: 'key_r', period: 'daily', limit_usd: '0.01' })).json();
      const r = await post('/api/spend', { key: 'key_r', worst: usd(0.02) });
      assert.equal(r.statusCode, 429);
      assert.equal(r.headers['retry-after'], String(18 * 3600));
      const { error } = r.json();
      assert.equal(error.type, 'insufficient_quota');
      assert.equal(error.code, 'budget_exceeded');
      assert.match(error.message, /Budget 'tiny' \(bud_\w+\) exceeded: \$0\.00 spent of its \$0\.01 daily limit.*resets at 2026-11-11T00:00:00\.000Z/);
      await budgets.flush();
      const alerts = (await app.inject({ method: 'GET', url: `/api/alerts?budget_id=${b.id}` })).json();
      assert.deepEqual(alerts.data.map((a: { kind: string; budget_id: string }) => [a.kind, a.budget_id]), [['blocked', b.id]]);
      assert.deepEqual(Object.keys(alerts.data[0]).sort(), ['budget_id', 'created_at', 'id', 'kind', 'limit_usd', 'object', 'period_id', 'spent_usd', 'threshold']);
      assert.equal((await app.inject({ method: 'GET', url: '/api/alerts' })).statusCode, 200);
      assert.equal((await app.inject({ method: 'GET', url: '/api/alerts?limit=0' })).json().error.param, 'limit');
      await app.inject({ method: 'DELETE', url: `/api/budgets/${b.id}` });
    });

    test('bad input is refused with 400 naming the field', async () => {
      const base = { scope: 'key', scope_id: 'key_r', period: 'daily', limit_usd: '5.00' };
      const cases: [unknown, string][] = [
        [{ ...base, limit_usd: '-1' }, 'limit_usd'],
        [{ ...base, limit_usd: 'NaN' }, 'limit_usd'],
        [{ ...base, limit_usd: '1e3' }, 'limit_usd'],
        [{ ...base, limit_usd: 'Infinity' }, 'limit_usd'],
        [{ ...base, limit_usd: '0.0000000001' }, 'limit_usd'],
        [{ ...base, limit_usd: '10000001' }, 'limit_usd'],
        [{ ...base, limit_usd: '5000000.01' }, 'limit_usd'],
        [{ ...base, limit_usd: '99999999999999999999' }, 'limit_usd'],
        [{ ...base, limit_usd: 5 }, 'limit_usd'],
        [{ ...base, limit_usd: null }, 'limit_usd'],
        [{ ...base, limit_usd: '' }, 'limit_usd'],
        [{ scope: 'key', scope_id: 'key_r', period: 'daily' }, 'limit_usd'],
        [{ ...base, scope: 'planet' }, 'scope'],
        [{ ...base, period: 'hourly' }, 'period'],
        [{ ...base, timezone: 'Mars/Olympus' }, 'timezone'],
        [{ ...base, timezone: 5 }, 'timezone'],
        [{ ...base, thresholds: [50, 50] }, 'thresholds'],
        [{ ...base, thresholds: [80, 50] }, 'thresholds'],
        [{ ...base, thresholds: [0] }, 'thresholds[0]'],
        [{ ...base, thresholds: [50, 101] }, 'thresholds[1]'],
        [{ ...base, thresholds: [50.5] }, 'thresholds[0]'],
        [{ ...base, thresholds: '50' }, 'thresholds'],
        [{ ...base, thresholds: Array.from({ length: 11 }, (_, i) => i + 1) }, 'thresholds'],
        [{ ...base, scope_id: '' }, 'scope_id'],
        [{ ...base, name: '' }, 'name'],
        [{ ...base, limit: '5.00' }, 'limit'],
      ];
      for (const [payload, param] of cases) {
        const r = await post('/api/budgets', payload);
        assert.equal(r.statusCode, 400, JSON.stringify(payload));
        const { error } = r.json();
        assert.equal(error.param, param, JSON.stringify(payload));
        assert.equal(error.type, 'invalid_request_error');
        assert.ok(error.message.includes(`'${param}'`), error.message);
      }
      const unknownField = (await post('/api/budgets', { ...base, limit: '5.00' })).json().error;
      assert.deepEqual(unknownField, { message: "Invalid 'limit': unknown parameter.", type: 'invalid_request_error', param: 'limit', code: 'invalid_parameter' });
      const unknownKey = await post('/api/budgets', { ...base, scope_id: 'key_unknown' });
      assert.equal(unknownKey.statusCode, 404);
      assert.deepEqual([unknownKey.json().error.param, unknownKey.json().error.code], ['scope_id', 'key_not_found']);
      const b = (await post('/api/budgets', base)).json();
      for (const [payload, param] of [
        [{ limit_usd: '-5' }, 'limit_usd'],
        [{ period: 'yearly' }, 'period'],
        [{ timezone: 'Nowhere/City' }, 'timezone'],
        [{ thresholds: [90, 10] }, 'thresholds'],
        [{ scope: 'user' }, 'scope'],
      ] as const) {
        const r = await patch(`/api/budgets/${b.id}`, payload);
        assert.equal(r.statusCode, 400, JSON.stringify(payload));
        assert.equal(r.json().error.param, param);
      }
      assert.equal((await app.inject({ method: 'GET', url: `/api/budgets/${b.id}` })).json().limit_usd, '5.00', 'nothing changed');
      await app.inject({ method: 'DELETE', url: `/api/budgets/${b.id}` });
    });
  });
}

function pick(v: Record<string, unknown>) {
  const { period_id, spent_usd, reserved_usd, remaining_usd, resets_at, projected_usd } = v;
  return { period_id, spent_usd, reserved_usd, remaining_usd, resets_at, projected_usd };
}
