import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Fault } from '../../src/upstream/simulator/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { usdToNanos } from '../support/money.ts';

// Issue 10.1: the ledger row is written in exactly one place for every outcome. Each case below uses
// a key of its own, so "the rows of this key" are the rows this one request produced: exactly one,
// with the status the client saw, the error code, whether it streamed, and its cost.

interface Row {
  request_id: string;
  key_id: string | null;
  team_id: string | null;
  endpoint: string;
  model_requested: string | null;
  status: number;
  stream: boolean;
  error_code: string | null;
  cost_usd: string | null;
  estimated: boolean;
  prompt_tokens: number;
  completion_tokens: number;
}

interface Case {
  name: string;
  key?: Record<string, unknown>;
  budgetUsd?: string;
  fault?: Fault;
  body?: (stream: boolean) => Record<string, unknown>;
  /** Leave after this many ms (the client gone). */
  abortAfterMs?: number;
  status: number;
  code: string | null;
  costs: 'nothing' | 'something';
  /**
   * Whether the body was read: a key refused for its IP or endpoint scope is refused before the
   * gateway reads the body, so its row names no model and says not streamed (docs/metering.md).
   */
  modelKnown?: boolean;
}

const messages = [{ role: 'user', content: 'Name three bridges with tolls.' }];
const chat = (stream: boolean) => ({ model: 'gpt-4o-mini', max_tokens: 30, messages, stream });

const CASES: Case[] = [
  { name: 'served', status: 200, code: null, costs: 'something' },
  { name: 'refused by scope', key: { endpoints: ['embeddings'] }, status: 403, code: 'endpoint_not_allowed', costs: 'nothing', modelKnown: false },
  { name: 'refused by IP', key: { ip_allowlist: ['10.9.8.0/24'] }, status: 403, code: 'ip_not_allowed', costs: 'nothing', modelKnown: false },
  { name: 'refused by budget', budgetUsd: '0.000000001', status: 429, code: 'budget_exceeded', costs: 'nothing' },
  { name: 'refused by validation', body: (stream) => ({ model: 'gpt-4o-mini', messages: [{ content: 'no role' }], stream }), status: 400, code: 'missing_required_parameter', costs: 'nothing' },
  { name: 'upstream 4xx', fault: { kind: 'status', status: 400 }, status: 400, code: null, costs: 'nothing' },
  { name: 'upstream 5xx', fault: { kind: 'status', status: 500 }, status: 500, code: null, costs: 'nothing' },
  { name: 'client gone', fault: { kind: 'latency', ms: 1200 }, abortAfterMs: 250, status: 499, code: 'client_closed', costs: 'nothing' },
];

describe('exactly one ledger row per request, whatever the outcome, streamed and not (issue 10)', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway();
  });
  after(() => gw.close());

  async function keyFor(c: Case): Promise<{ id: string; key: string }> {
    const res = await gw.call('/api/keys', { body: { name: `outcome ${c.name}`, kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member', ...c.key } });
    assert.equal(res.status, 201, await res.clone().text());
    const k = (await res.json()) as { id: string; key: string };
    if (c.budgetUsd) {
      const b = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: k.id, period: 'total', limit_usd: c.budgetUsd, name: 'tiny' } });
      assert.equal(b.status, 201, await b.clone().text());
    }
    return k;
  }

  async function rowsOf(keyId: string, atLeast: number): Promise<Row[]> {
    // Rows are written after the answer; a client that left sees its answer before the gateway notices.
    let rows: Row[] = [];
    for (let i = 0; i < 60; i++) {
      rows = ((await (await gw.call(`/api/usage?key_id=${keyId}&limit=100`)).json()) as { data: Row[] }).data;
      if (rows.length >= atLeast) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return rows;
  }

  for (const c of CASES) {
    for (const stream of [false, true]) {
      test(`${c.name}, ${stream ? 'streamed' : 'not streamed'}`, async () => {
        const k = await keyFor(c);
        if (c.fault) gw.sim.faults.push({ ...c.fault, match: { path: '/v1/chat/completions', stream } } as Fault);
        const abort = new AbortController();
        const timer = c.abortAfterMs ? setTimeout(() => abort.abort(), c.abortAfterMs) : undefined;
        let status = 499;
        let requestId: string | undefined;
        try {
          const res = await fetch(`${gw.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/json' },
            body: JSON.stringify((c.body ?? chat)(stream)),
            signal: abort.signal,
          });
          status = res.status;
          requestId = res.headers.get('x-request-id') ?? undefined;
          await res.text();
        } catch (err) {
          assert.ok(c.abortAfterMs, `only the client-gone case may fail to fetch: ${String(err)}`);
        } finally {
          clearTimeout(timer);
        }
        assert.equal(status, c.status, 'the status the client saw');
        const rows = await rowsOf(k.id, 1);
        // A second row would only appear later: wait a little longer than the write delay and look again.
        await new Promise((r) => setTimeout(r, 150));
        const again = await rowsOf(k.id, 1);
        assert.equal(again.length, 1, `exactly one ledger row (got ${again.length})`);
        const row = rows[0]!;
        if (requestId) assert.equal(row.request_id, requestId, 'the row is the one of the x-request-id the client got');
        assert.equal(row.key_id, k.id);
        assert.equal(row.team_id, gw.tg.home.defaultTeam.id);
        assert.equal(row.endpoint, '/v1/chat/completions');
        assert.equal(row.status, c.status, 'the row has the status the client saw');
        assert.equal(row.stream, c.modelKnown === false ? false : stream, 'the row says whether it streamed');
        if (c.code !== null) assert.equal(row.error_code, c.code);
        else if (c.status === 200) assert.equal(row.error_code, null);
        else assert.ok(row.error_code, 'an upstream error has its code');
        assert.equal(row.model_requested, c.modelKnown === false ? null : 'gpt-4o-mini');
        if (c.costs === 'nothing') assert.equal(usdToNanos(row.cost_usd ?? '0'), 0, 'costs nothing');
        else {
          assert.ok(usdToNanos(row.cost_usd!) > 0, 'a served request costs something');
          assert.ok(row.prompt_tokens > 0 && row.completion_tokens > 0, 'with its token counts');
        }
        if (c.abortAfterMs) await new Promise((r) => setTimeout(r, 1100)); // let the simulator's late answer go
      });
    }
  }

  test('a stream that broke after it started: one row, marked estimated, status 200 as the client saw', async () => {
    const k = await keyFor({ name: 'broken stream', status: 200, code: null, costs: 'something' });
    gw.sim.faults.push({ kind: 'break', after_chunks: 3, match: { path: '/v1/chat/completions', stream: true } } as Fault);
    const res = await gw.call('/v1/chat/completions', { key: k.key, body: chat(true) });
    assert.equal(res.status, 200);
    await res.text();
    const rows = await rowsOf(k.id, 1);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.error_code, 'upstream_interrupted');
    assert.equal(rows[0]!.estimated, true);
    assert.ok(usdToNanos(rows[0]!.cost_usd!) > 0);
  });

  test('a non-streamed answer cut off by the upstream: one row, 502, estimated', async () => {
    const k = await keyFor({ name: 'cut answer', status: 502, code: null, costs: 'something' });
    gw.sim.faults.push({ kind: 'malformed', match: { path: '/v1/chat/completions', stream: false } } as Fault);
    const res = await gw.call('/v1/chat/completions', { key: k.key, body: chat(false) });
    assert.equal(res.status, 502);
    const rows = await rowsOf(k.id, 1);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.error_code, 'upstream_invalid_response');
    assert.equal(rows[0]!.estimated, true);
  });
});
