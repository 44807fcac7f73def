import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Fault } from '../../src/upstream/simulator/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';
import { usdToNanos } from '../support/money.ts';

// Issue 8.3: a streamed request the upstream rejected before any token, or that a budget refused,
// was billed an estimated prompt cost, so a member could drain a shared budget with no upstream spend.
// Rule: only what the upstream could have billed is charged. A request the upstream never accepted
// (no 2xx) costs nothing and releases its reservation; one it accepted and that then broke is
// estimated and marked `estimated`. Streamed and non-streamed requests follow the same rule.

interface BudgetView {
  spent_usd: string;
  reserved_usd: string;
}
interface UsageView {
  status: number;
  stream: boolean;
  cost_usd: string | null;
  estimated: boolean;
  error_code: string | null;
}
interface Outcome {
  status: number;
  requestId: string;
  cost: number;
  estimated: boolean;
  errorCode: string | null;
  /** What the budget was charged by this request. */
  charged: number;
  /** Still held by the budget after the request ended. */
  heldAfter: number;
}

const messages = [{ role: 'user', content: 'Tell me how a toll plaza meters lorries, briefly.' }];

describe('failed requests cost nothing, streamed or not; a started stream that broke is estimated (issue 8.3)', () => {
  let gw: TestGateway;
  let key: string;
  let budgetId: string;

  before(async () => {
    gw = await startGateway();
    const created = await gw.call('/api/keys', { body: { name: 'billing', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' } });
    const k = (await created.json()) as { id: string; key: string };
    key = k.key;
    const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: k.id, period: 'total', limit_usd: '100.00', name: 'billing test' } });
    assert.equal(res.status, 201, await res.clone().text());
    budgetId = ((await res.json()) as { id: string }).id;
  });
  after(() => gw.close());

  const budget = async (id = budgetId) => (await (await gw.call(`/api/budgets/${id}`)).json()) as BudgetView;

  /** Sends one chat request (after queueing `fault` for it) and reads back what it cost. */
  async function send(stream: boolean, opts: { fault?: Fault; body?: Record<string, unknown>; key?: string; budget?: string } = {}): Promise<Outcome> {
    if (opts.fault) gw.sim.faults.push({ ...opts.fault, match: { path: '/v1/chat/completions', stream } } as Fault);
    const before = await budget(opts.budget);
    const res = await gw.call('/v1/chat/completions', { key: opts.key ?? key, body: opts.body ?? { model: 'gpt-4o-mini', max_tokens: 40, messages, stream } });
    await res.text();
    const requestId = res.headers.get('x-request-id')!;
    const row = (await (await gw.call(`/api/usage/${requestId}`)).json()) as UsageView;
    const after = await budget(opts.budget);
    assert.equal(row.stream, stream, 'the ledger row says whether it was streamed');
    assert.notEqual(row.cost_usd, null, 'a priced model has a known cost');
    return {
      status: res.status,
      requestId,
      cost: usdToNanos(row.cost_usd!),
      estimated: row.estimated,
      errorCode: row.error_code,
      charged: usdToNanos(after.spent_usd) - usdToNanos(before.spent_usd),
      heldAfter: usdToNanos(after.reserved_usd),
    };
  }

  const free = (o: Outcome, what: string) => {
    assert.equal(o.cost, 0, `${what}: the ledger row costs nothing`);
    assert.equal(o.charged, 0, `${what}: the budget was charged nothing`);
    assert.equal(o.heldAfter, 0, `${what}: the reservation was released`);
    assert.equal(o.estimated, false, `${what}: nothing was estimated`);
  };

  const rejections: [string, Fault, number][] = [
    ['upstream 400 before any token', { kind: 'status', status: 400 }, 400],
    ['upstream 404 (model not found)', { kind: 'status', status: 404 }, 404],
    ['upstream 429 rate limit', { kind: 'status', status: 429, retry_after: 1 }, 429],
    ['upstream 500', { kind: 'status', status: 500 }, 500],
    ['upstream 503', { kind: 'status', status: 503 }, 503],
  ];
  for (const [name, fault, status] of rejections) {
    test(`${name}: costs nothing, streamed and not`, async () => {
      for (const stream of [false, true]) {
        const o = await send(stream, { fault });
        assert.equal(o.status, status, `${name} (stream: ${stream}) is relayed`);
        free(o, `${name}, stream: ${stream}`);
      }
    });
  }

  test('a connection the upstream dropped before answering costs nothing', async () => {
    // The simulator drops the socket before any status line (a streamed request would get its 200 first).
    const o = await send(false, { fault: { kind: 'break', after_chunks: 0 } });
    assert.equal(o.status, 502);
    free(o, 'dropped before answering');
  });

  test('a client that gave up before the upstream answered costs nothing, streamed and not', async () => {
    for (const stream of [false, true]) {
      gw.sim.faults.push({ kind: 'latency', ms: 1500, match: { path: '/v1/chat/completions', stream } });
      const before = await budget();
      const abort = new AbortController();
      const pending = fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages, stream }),
        signal: abort.signal,
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 300));
      abort.abort();
      await pending;
      // The abort reaches the gateway asynchronously: wait for its ledger row.
      let row: (UsageView & { request_id: string }) | undefined;
      for (let i = 0; i < 50 && !row; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const rows = (await (await gw.call('/api/usage?limit=5')).json()) as { data: (UsageView & { request_id: string })[] };
        row = rows.data.find((r) => r.error_code === 'client_closed' && r.stream === stream && r.status === 499);
      }
      assert.ok(row, `the abandoned request (stream: ${stream}) has a ledger row`);
      assert.equal(usdToNanos(row.cost_usd!), 0, `abandoned before any answer (stream: ${stream}): costs nothing`);
      assert.equal(row.estimated, false);
      const after = await budget();
      assert.equal(usdToNanos(after.spent_usd), usdToNanos(before.spent_usd));
      assert.equal(usdToNanos(after.reserved_usd), 0);
      await gw.call('/api/usage?limit=1'); // let the simulator's delayed answer go before the next case
      await new Promise((r) => setTimeout(r, 1300));
    }
  });

  test('a request the gateway refused as invalid costs nothing, streamed and not', async () => {
    for (const stream of [false, true]) {
      const o = await send(stream, { body: { model: 'gpt-4o-mini', messages: [{ content: 'no role' }], stream } });
      assert.equal(o.status, 400);
      free(o, `invalid, stream: ${stream}`);
    }
  });

  test('a request for a model the key may not use costs nothing, streamed and not', async () => {
    const limited = await gw.createKey({ kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member', allowed_models: ['gpt-4.1'] });
    for (const stream of [false, true]) {
      const o = await send(stream, { key: limited, body: { model: 'gpt-4o-mini', messages, stream } });
      assert.equal(o.status, 403);
      assert.equal(o.cost, 0);
      assert.equal(o.estimated, false);
    }
  });

  test('a request a budget refused costs nothing and reaches no upstream, streamed and not', async () => {
    const created = (await (await gw.call('/api/keys', { body: { name: 'broke', kind: 'service', team_id: gw.tg.home.defaultTeam.id, role: 'member' } })).json()) as { id: string; key: string };
    const res = await gw.call('/api/budgets', { body: { scope: 'key', scope_id: created.id, period: 'total', limit_usd: '0.000000001', name: 'exhausted' } });
    const tiny = ((await res.json()) as { id: string }).id;
    for (const stream of [false, true]) {
      const seen = gw.sim.requests.length;
      const o = await send(stream, { key: created.key, budget: tiny, body: { model: 'gpt-4o-mini', messages, stream } });
      assert.equal(o.status, 429);
      assert.equal(o.errorCode, 'budget_exceeded');
      assert.equal(gw.sim.requests.length, seen, 'nothing reached the upstream');
      free(o, `budget refused, stream: ${stream}`);
    }
  });

  test('a served request costs the same streamed and not, and the budget is charged exactly the ledger cost', async () => {
    const plain = await send(false);
    const streamed = await send(true);
    assert.equal(plain.status, 200);
    assert.equal(streamed.status, 200);
    assert.ok(plain.cost > 0);
    assert.equal(streamed.cost, plain.cost, 'same request, same usage, same cost');
    for (const o of [plain, streamed]) {
      assert.equal(o.estimated, false);
      assert.equal(o.charged, o.cost);
      assert.equal(o.heldAfter, 0);
    }
  });

  test('an answer that started (2xx) and then broke is estimated, marked, and charged what the ledger says, streamed and not', async () => {
    const streamed = await send(true, { fault: { kind: 'break', after_chunks: 3 } });
    assert.equal(streamed.status, 200, 'the stream had started');
    assert.equal(streamed.errorCode, 'upstream_interrupted');
    // Non-streamed: a 200 whose JSON body is cut off.
    const plain = await send(false, { fault: { kind: 'malformed' } });
    assert.equal(plain.status, 502);
    assert.equal(plain.errorCode, 'upstream_invalid_response');
    for (const [what, o] of [['streamed', streamed], ['not streamed', plain]] as const) {
      assert.equal(o.estimated, true, `${what}: marked estimated`);
      assert.ok(o.cost > 0, `${what}: the prompt the upstream accepted is billed`);
      assert.equal(o.charged, o.cost, `${what}: the budget is charged what the ledger says`);
      assert.equal(o.heldAfter, 0);
    }
  });
});
