import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 8.4: on a key whose budget was exhausted, `my-unknown-model`, `GPT-4O-MINI` and
// `gpt-4o-mini ` were all served (no price, so nothing was reserved) and the budget's
// `unpriced_requests` stayed 0; a 1 MB model name was stored in the ledger, alerts and audit.
// Rule: whenever a budget applies to the caller, a model without a price is refused (403
// `model_not_priced`, naming the model) unless the organization allows unpriced models; then it is
// served, counted in the budget's `unpriced_requests` and alerted once. Model names longer than 256
// characters, with control characters or surrounding whitespace are 400 `invalid_parameter` on
// every /v1 endpoint, and are stored nowhere.

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}
interface BudgetView {
  id: string;
  spent_usd: string;
  unpriced_requests: number;
}

const messages = [{ role: 'user', content: 'Hello there.' }];
/** The unpriced model the suite serves; the simulator answers any model name. */
const UNPRICED = 'acme-llama-70b';

/** A request body for `model` on each /v1 POST endpoint. */
const BODIES: Record<string, (model: string) => Record<string, unknown>> = {
  '/v1/chat/completions': (model) => ({ model, messages, max_tokens: 10 }),
  '/v1/responses': (model) => ({ model, input: 'Hello there.', max_output_tokens: 10 }),
  '/v1/completions': (model) => ({ model, prompt: 'Hello there.', max_tokens: 10 }),
  '/v1/embeddings': (model) => ({ model, input: 'Hello there.' }),
  '/v1/moderations': (model) => ({ model, input: 'Hello there.' }),
};

describe('unpriced models and budgets (issue 8.4)', () => {
  let gw: TestGateway;
  const team = () => gw.tg.home.defaultTeam.id;

  before(async () => {
    gw = await startGateway({ simulatorModels: [UNPRICED] });
  });
  after(() => gw.close());

  async function keyWithBudget(limitUsd: string): Promise<{ key: string; budget: string }> {
    const k = (await (await gw.call('/api/keys', { body: { name: `budget ${limitUsd}`, kind: 'service', team_id: team(), role: 'member' } })).json()) as { id: string; key: string };
    const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: k.id, period: 'total', limit_usd: limitUsd } });
    assert.equal(res.status, 201, await res.clone().text());
    return { key: k.key, budget: ((await res.json()) as BudgetView).id };
  }
  const budget = async (id: string) => (await (await gw.call(`/api/budgets/${id}`)).json()) as BudgetView;
  const allowUnpriced = (allow: boolean, key?: string) =>
    gw.call(`/api/orgs/${gw.tg.home.org.id}`, { method: 'PATCH', body: { allow_unpriced_models: allow }, ...(key ? { key } : {}) });

  test('an exhausted budget is not slipped past with an unknown, miscased or padded model name, on any endpoint', async () => {
    const { key } = await keyWithBudget('0.000000001');
    const seen = gw.sim.requests.length;
    // The budget refuses priced models as before.
    const priced = await gw.call('/v1/chat/completions', { key, body: BODIES['/v1/chat/completions']!('gpt-4o-mini') });
    assert.equal(priced.status, 429);
    for (const [path, body] of Object.entries(BODIES)) {
      for (const model of ['my-unknown-model', 'GPT-4O-MINI']) {
        const res = await gw.call(path, { key, body: body(model) });
        const err = (await res.json()) as ErrorBody;
        assert.equal(res.status, 403, `${path} ${model}: ${JSON.stringify(err)}`);
        assert.equal(err.error.code, 'model_not_priced');
        assert.equal(err.error.param, 'model');
        assert.match(err.error.message, new RegExp(`'${model}'`), 'the message names the model');
      }
      for (const model of ['gpt-4o-mini ', ' gpt-4o-mini', 'gpt-4o-mini\n']) {
        const res = await gw.call(path, { key, body: body(model) });
        const err = (await res.json()) as ErrorBody;
        assert.equal(res.status, 400, `${path} ${JSON.stringify(model)}`);
        assert.equal(err.error.code, 'invalid_parameter');
        assert.equal(err.error.param, 'model');
      }
    }
    assert.equal(gw.sim.requests.length, seen, 'nothing reached the upstream');
  });

  test('a budget with room still refuses an unpriced model, naming it and saying how to proceed', async () => {
    const { key, budget: id } = await keyWithBudget('100.00');
    const res = await gw.call('/v1/chat/completions', { key, body: BODIES['/v1/chat/completions']!(UNPRICED) });
    assert.equal(res.status, 403);
    const err = (await res.json()) as ErrorBody;
    assert.equal(err.error.type, 'permission_error');
    assert.match(err.error.message, /acme-llama-70b/);
    assert.match(err.error.message, /allow_unpriced_models/);
    assert.equal((await budget(id)).unpriced_requests, 0);
  });

  test('only an owner may allow unpriced models for the organization', async () => {
    const admin = await gw.createKey({ kind: 'service', team_id: team(), role: 'admin' });
    const refused = await allowUnpriced(true, admin);
    assert.equal(refused.status, 403);
    const bad = await gw.call(`/api/orgs/${gw.tg.home.org.id}`, { method: 'PATCH', body: { allow_unpriced_models: 'yes' } });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as ErrorBody).error.param, 'allow_unpriced_models');
    const org = (await (await gw.call(`/api/orgs/${gw.tg.home.org.id}`)).json()) as { allow_unpriced_models: boolean };
    assert.equal(org.allow_unpriced_models, false, 'off by default');
  });

  test('once the owner allows them, unpriced models are served under a budget, counted and alerted once; a spent budget still refuses them', async () => {
    const ok = await allowUnpriced(true);
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.equal(((await ok.json()) as { allow_unpriced_models: boolean }).allow_unpriced_models, true);
    try {
      const { key, budget: id } = await keyWithBudget('100.00');
      for (let i = 0; i < 2; i++) {
        const res = await gw.call('/v1/chat/completions', { key, body: BODIES['/v1/chat/completions']!(UNPRICED) });
        assert.equal(res.status, 200, await res.clone().text());
        assert.equal(res.headers.get('x-tollgate-cost-usd'), null, 'an unknown cost is not written as 0');
      }
      const b = await budget(id);
      assert.equal(b.unpriced_requests, 2);
      assert.equal(b.spent_usd, '0.00', 'an unknown cost charges nothing');
      const alerts = (await (await gw.call('/api/alerts')).json()) as { data: { kind: string; subject?: string }[] };
      assert.equal(alerts.data.filter((a) => a.kind === 'unpriced_model' && a.subject === UNPRICED).length, 1, 'alerted once');

      // Spend the budget with a priced request, then lower its limit below what was spent.
      assert.equal((await gw.call('/v1/chat/completions', { key, body: BODIES['/v1/chat/completions']!('gpt-4o-mini') })).status, 200);
      assert.equal((await gw.call(`/api/budgets/${id}`, { method: 'PATCH', body: { limit_usd: '0.000000001' } })).status, 200);
      const refused = await gw.call('/v1/chat/completions', { key, body: BODIES['/v1/chat/completions']!(UNPRICED) });
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as ErrorBody).error.code, 'budget_exceeded');
    } finally {
      assert.equal((await allowUnpriced(false)).status, 200);
    }
  });

  test('model names that are too long, hold control characters or surrounding whitespace: 400 on every /v1 endpoint, stored nowhere', async () => {
    const bad = ['x'.repeat(257), 'gpt-4o-mini\u0000', 'gpt\u0007-4o', 'gpt-4o\u001b[31m', '\tgpt-4o-mini', 'gpt-4o-mini\r\n', '\u202egpt-4o-mini', 'm'.repeat(1024 * 1024)];
    const seen = gw.sim.requests.length;
    for (const model of bad) {
      const what = JSON.stringify(model.slice(0, 20)) + ` (${model.length} chars)`;
      for (const [path, body] of Object.entries(BODIES)) {
        const res = await gw.call(path, { body: body(model) });
        const err = (await res.json()) as ErrorBody;
        assert.equal(res.status, 400, `${path} ${what}: ${JSON.stringify(err).slice(0, 200)}`);
        assert.equal(err.error.code, 'invalid_parameter');
        assert.equal(err.error.param, 'model');
        assert.ok(!err.error.message.includes(model), 'the message does not echo the name');
      }
      if (model.length < 4096) {
        const res = await gw.call(`/v1/models/${encodeURIComponent(model)}`);
        assert.equal(res.status, 400, `GET /v1/models/${what}`);
        const err = (await res.json()) as ErrorBody;
        assert.equal(err.error.code, 'invalid_parameter');
        assert.equal(err.error.param, 'model');
      }
    }
    assert.equal(gw.sim.requests.length, seen, 'nothing reached the upstream');
    const rows = (await (await gw.call('/api/usage?limit=10000')).json()) as { data: { model_requested: string | null; error_code: string | null }[] };
    const refused = rows.data.filter((r) => r.error_code === 'invalid_parameter');
    assert.ok(refused.length >= bad.length * 5, 'the refusals are in the ledger');
    for (const r of refused) assert.equal(r.model_requested, null, 'a refused model name is not stored');
    // A 256-character name is a name: not refused for its form.
    const longest = await gw.call('/v1/chat/completions', { body: BODIES['/v1/chat/completions']!('y'.repeat(256)) });
    assert.notEqual(((await longest.json()) as Partial<ErrorBody>).error?.code, 'invalid_parameter');
  });
});
