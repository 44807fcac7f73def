import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 9.12: money looked written in different formats ("0.00" here, "0.000018" there). Rule, in
// docs/metering.md: every amount of money the API shows (usage, budgets, alerts, prices, the cost
// header and trailer) is one canonical decimal string of US dollars: exact (nano-dollars, so up to
// nine decimals), at least two decimals, no other trailing zeros. One amount, one string.

/** The one money format: `0.00`, `1.50`, `0.000018`, `12.345678901`. */
const MONEY = /^(0|[1-9]\d*)\.\d\d(\d{0,6}[1-9])?$/;
/** Price fields (USD per 1M tokens) of price objects and their tiers. */
const PRICE_FIELDS = new Set(['input', 'cached_input', 'cache_write', 'output', 'audio_input', 'audio_output', 'image_input', 'image_output']);

/** Checks every money value in a JSON answer; returns how many were checked. */
function checkMoney(value: unknown, where: string, priceObject = false): number {
  if (Array.isArray(value)) return value.reduce<number>((n, v, i) => n + checkMoney(v, `${where}[${i}]`, priceObject), 0);
  if (value === null || typeof value !== 'object') return 0;
  const obj = value as Record<string, unknown>;
  const isPrice = priceObject || obj.object === 'model_price' || obj.object === 'price_override';
  let checked = 0;
  for (const [k, v] of Object.entries(obj)) {
    const money = k.endsWith('_usd') || (isPrice && PRICE_FIELDS.has(k));
    if (money && v !== null) {
      assert.equal(typeof v, 'string', `${where}.${k} is a string`);
      assert.match(v as string, MONEY, `${where}.${k} = ${JSON.stringify(v)}`);
      checked++;
    } else {
      checked += checkMoney(v, `${where}.${k}`, isPrice && ['batch', 'flex', 'priority'].includes(k));
    }
  }
  return checked;
}

describe('one money format everywhere in the API (issue 9.12)', () => {
  let gw: TestGateway;
  let budgetId: string;
  const requestIds: string[] = [];
  const costHeaders: string[] = [];

  before(async () => {
    gw = await startGateway();
    const k = (await (await gw.call('/api/keys', { body: { name: 'money', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    const b = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: k.id, period: 'monthly', limit_usd: '0.0005', thresholds: [1, 2] } });
    budgetId = ((await b.json()) as { id: string }).id;
    const sends: [string, Record<string, unknown>][] = [
      ['/v1/chat/completions', { model: 'gpt-4o-mini', max_tokens: 10, messages: [{ role: 'user', content: 'Hello' }] }],
      ['/v1/embeddings', { model: 'text-embedding-3-small', input: 'Hello' }],
      ['/v1/moderations', { input: 'Hello' }],
    ];
    for (const [path, body] of sends) {
      const res = await gw.call(path, { key: k.key, body });
      assert.equal(res.status, 200, await res.clone().text());
      requestIds.push(res.headers.get('x-request-id')!);
      costHeaders.push(res.headers.get('x-tollgate-cost-usd')!);
    }
    // A stream's cost comes as a trailer.
    costHeaders.push(
      await new Promise<string>((resolve, reject) => {
        const payload = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'Hello' }] });
        httpRequest(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.trailers['x-tollgate-cost-usd'])));
        })
          .on('error', reject)
          .end(payload);
      }),
    );
    await gw.tg.budgets.flush();
  });
  after(() => gw.close());

  test('the cost header and trailer', () => {
    assert.equal(costHeaders.length, 4);
    for (const h of costHeaders) assert.match(h, MONEY);
    assert.equal(costHeaders[2], '0.00', 'moderations cost nothing, written like any amount');
  });

  test('usage, budgets, alerts and prices', async () => {
    const answers: [string, string][] = [
      ['usage list and totals', '/api/usage?limit=100'],
      ['one usage row', `/api/usage/${requestIds[0]}`],
      ['budgets', '/api/budgets'],
      ['one budget', `/api/budgets/${budgetId}`],
      ['alerts', '/api/alerts'],
      ['prices', '/api/prices'],
      ['one price', '/api/prices/gpt-4o-mini'],
    ];
    let total = 0;
    for (const [what, path] of answers) {
      const res = await gw.call(path);
      assert.equal(res.status, 200, `${what}: ${await res.clone().text()}`);
      const checked = checkMoney(await res.json(), what);
      assert.ok(checked > 0, `${what} shows money`);
      total += checked;
    }
    assert.ok(total > 100, `${total} amounts checked`);
    const alerts = (await (await gw.call('/api/alerts')).json()) as { data: unknown[] };
    assert.ok(alerts.data.length > 0, 'an alert was raised and checked');
  });

  test('the same amount is the same string wherever it appears', async () => {
    const row = (await (await gw.call(`/api/usage/${requestIds[0]}`)).json()) as { cost_usd: string };
    assert.equal(row.cost_usd, costHeaders[0]);
  });
});
