import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { readSse } from '../support/sse.ts';
import { usdToNanos as nanos } from '../support/money.ts';

interface Row {
  request_id: string;
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  service_tier: string;
  cost_usd: string | null;
  cost_breakdown: Record<string, string> | null;
  estimated: boolean;
  error_code: string | null;
}

/** USD string → integer nano-dollars, for exact comparisons in tests. */
/** Expected cost of `tokens` at `$perMillion`, in pico-dollars (exact integer arithmetic). */
const picos = (tokens: number, perMillionMicros: number) => tokens * perMillionMicros;
const roundToNanos = (p: number) => Math.floor((p + 500) / 1000);

const messages = [{ role: 'user' as const, content: 'Explain what a toll gate on a turnpike road was for, in two sentences.' }];

describe('metering: exact cost per request', () => {
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    // acme-llama-70b: a self-hosted model the price catalog does not know.
    gw = await startGateway({ simulatorModels: ['acme-llama-70b'] });
    client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
  });
  after(() => gw.close());

  const row = async (id: string) => (await (await gw.call(`/api/usage/${id}`)).json()) as Row;

  test('a non-streamed chat carries x-tollgate-cost-usd, equal to the ledger and to the price sheet', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    const header = response.headers.get('x-tollgate-cost-usd');
    assert.ok(header, 'cost header present');
    // gpt-4o-mini: $0.15 / 1M input, $0.60 / 1M output (micro-dollars per 1M tokens: 150_000 and 600_000).
    const expected = roundToNanos(picos(data.usage!.prompt_tokens, 150_000) + picos(data.usage!.completion_tokens, 600_000));
    assert.equal(nanos(header), expected);
    const r = await row(response.headers.get('x-request-id')!);
    assert.equal(nanos(r.cost_usd!), expected);
    assert.equal(r.service_tier, 'default');
    assert.equal(r.estimated, false);
    assert.equal(nanos(r.cost_breakdown!.input_usd!) + nanos(r.cost_breakdown!.output_usd!), expected);
  });

  test('a streamed chat costs exactly what the same non-streamed chat costs', async () => {
    const plain = await client.chat.completions.create({ model: 'gpt-4.1', messages }).withResponse();
    const streamed = await client.chat.completions.create({ model: 'gpt-4.1', messages, stream: true }).withResponse();
    for await (const _ of streamed.data) {
      // drain
    }
    const a = await row(plain.response.headers.get('x-request-id')!);
    const b = await row(streamed.response.headers.get('x-request-id')!);
    assert.ok(a.cost_usd && nanos(a.cost_usd) > 0);
    assert.equal(b.cost_usd, a.cost_usd);
    assert.equal(b.estimated, false);
  });

  test('a stream cut mid-way is billed from Tollgate\'s own count and marked estimated', async () => {
    const plain = await row((await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse()).response.headers.get('x-request-id')!);
    gw.sim.faults.push({ kind: 'break', after_chunks: 4 });
    const res = await gw.call('/v1/chat/completions', { body: { model: 'gpt-4o', messages, stream: true } });
    await readSse(res);
    const r = await row(res.headers.get('x-request-id')!);
    assert.equal(r.error_code, 'upstream_interrupted');
    assert.equal(r.estimated, true);
    assert.equal(r.prompt_tokens, plain.prompt_tokens, 'prompt counted locally equals the upstream count');
    assert.ok(r.completion_tokens > 0 && r.completion_tokens < plain.completion_tokens);
    // gpt-4o: $2.50 / $10.00 per 1M.
    assert.equal(nanos(r.cost_usd!), roundToNanos(picos(r.prompt_tokens, 2_500_000) + picos(r.completion_tokens, 10_000_000)));
  });

  test('reasoning tokens are billed as output and shown in the breakdown', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'o4-mini', messages }).withResponse();
    const reasoning = data.usage!.completion_tokens_details!.reasoning_tokens!;
    assert.ok(reasoning > 0);
    const r = await row(response.headers.get('x-request-id')!);
    // o4-mini: $1.10 / $4.40 per 1M; completion_tokens already include the reasoning tokens.
    assert.equal(nanos(r.cost_usd!), roundToNanos(picos(data.usage!.prompt_tokens, 1_100_000) + picos(data.usage!.completion_tokens, 4_400_000)));
    assert.equal(nanos(r.cost_breakdown!.reasoning_usd!), roundToNanos(picos(reasoning, 4_400_000)));
  });

  test('the tier the upstream returns is the tier billed (flex)', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'o3', messages, service_tier: 'flex' }).withResponse();
    assert.equal(data.service_tier, 'flex');
    const r = await row(response.headers.get('x-request-id')!);
    assert.equal(r.service_tier, 'flex');
    // o3 flex (from 2025-06-10): $1.00 / $4.00 per 1M; standard would be $2.00 / $8.00.
    const flex = roundToNanos(picos(data.usage!.prompt_tokens, 1_000_000) + picos(data.usage!.completion_tokens, 4_000_000));
    assert.equal(nanos(r.cost_usd!), flex);
    assert.equal(nanos(r.cost_breakdown!.tier_discount_usd!), flex, 'flex is half of standard');
  });

  test('embeddings are billed on input tokens', async () => {
    const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['toll', 'gate'] }).withResponse();
    const r = await row(response.headers.get('x-request-id')!);
    assert.equal(nanos(r.cost_usd!), roundToNanos(picos(data.usage.prompt_tokens, 20_000)));
  });

  test('a model without a price is served, recorded with cost null, reported and alerted', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'acme-llama-70b', messages }).withResponse();
    assert.ok(data.choices[0]!.message.content);
    assert.equal(response.headers.get('x-tollgate-cost-usd'), null);
    const r = await row(response.headers.get('x-request-id')!);
    assert.equal(r.cost_usd, null, 'unknown, not 0');
    assert.ok(r.prompt_tokens > 0);
    const report = (await (await gw.call('/api/usage/unpriced')).json()) as { data: { model: string; requests: number }[] };
    assert.deepEqual(report.data.find((m) => m.model === 'acme-llama-70b')?.requests, 1);
    const alerts = (await (await gw.call('/api/alerts')).json()) as { data: { kind: string; subject?: string }[] };
    assert.ok(alerts.data.some((a) => a.kind === 'unpriced_model' && a.subject === 'acme-llama-70b'));
    const totals = (await (await gw.call('/api/usage?model=acme-llama-70b')).json()) as { totals: { unpriced_requests: number; cost_usd: string } };
    assert.equal(totals.totals.unpriced_requests, 1);
  });

  test('an admin price for that model applies to the next request', async () => {
    const put = await gw.call('/api/prices/acme-llama-70b', { method: 'PUT', body: { input: '1.00', output: '2.00', max_output_tokens: 4096, context_window: 131072 } });
    assert.equal(put.status, 200, await put.clone().text());
    const { data, response } = await client.chat.completions.create({ model: 'acme-llama-70b', messages }).withResponse();
    const expected = roundToNanos(picos(data.usage!.prompt_tokens, 1_000_000) + picos(data.usage!.completion_tokens, 2_000_000));
    assert.equal(nanos(response.headers.get('x-tollgate-cost-usd')!), expected);
  });

  test('totals and the daily roll-up add up to the raw rows, exactly', async () => {
    const list = (await (await gw.call('/api/usage?limit=10000')).json()) as { data: Row[]; totals: { cost_usd: string; requests: number } };
    const sum = list.data.reduce((s, r) => s + (r.cost_usd ? nanos(r.cost_usd) : 0), 0);
    assert.equal(nanos(list.totals.cost_usd), sum);
    const daily = await gw.tg.store.db.selectFrom('usage_daily').selectAll().execute();
    assert.equal(daily.reduce((s, d) => s + Number(d.cost_nanos), 0), sum);
    assert.equal(daily.reduce((s, d) => s + Number(d.requests), 0), list.totals.requests);
  });
});
