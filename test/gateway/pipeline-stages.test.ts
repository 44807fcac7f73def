import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { fail } from '../../src/errors/index.ts';
import type { GatewayCall } from '../../src/gateway/pipeline/call-context.ts';
import type { Stage } from '../../src/gateway/pipeline/stage.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

// Issue 10.1: a capability is added by a file in src/gateway/pipeline and a line in the stage list.
// Here a test adds a dummy stage after guard-in, wraps every stage to see the order they ran in, and
// has the dummy stage refuse one request: the refusal is an ordinary outcome (OpenAI error shape,
// meter and record still run, one ledger row).

describe('the gateway runs its stage list in order; an added stage runs where it was put', () => {
  let gw: TestGateway;
  const ran: { requestId: string; stage: string; principal: boolean }[] = [];

  const dummy: Stage = {
    name: 'dummy',
    run(call: GatewayCall) {
      if (call.headers['x-test-refuse'] === 'yes') throw fail('permission_denied', { what: 'pass the dummy stage' });
    },
  };
  const watched = (stage: Stage): Stage => ({
    ...stage,
    run(call: GatewayCall) {
      ran.push({ requestId: call.requestId, stage: stage.name, principal: call.principal !== undefined });
      return stage.run(call);
    },
  });

  before(async () => {
    gw = await startGateway({
      stages: (stages) => {
        const at = stages.findIndex((s) => s.name === 'guard-in') + 1;
        return [...stages.slice(0, at), dummy, ...stages.slice(at)].map(watched);
      },
    });
  });
  after(() => gw.close());

  const order = (requestId: string) => ran.filter((r) => r.requestId === requestId).map((r) => r.stage);

  test('a served request passes every stage once, the added one between guard-in and route', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: await gw.createKey() });
    const { response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    const id = response.headers.get('x-request-id')!;
    assert.deepEqual(order(id), ['authenticate', 'admit', 'guard-in', 'dummy', 'route', 'call', 'guard-out', 'meter', 'limits', 'record']);
    assert.equal(ran.find((r) => r.requestId === id && r.stage === 'dummy')?.principal, true, 'the dummy stage sees the authenticated caller');
  });

  test('a stage that refuses ends the request in OpenAI shape; meter and record still run, nothing reaches the upstream', async () => {
    const key = await gw.createKey();
    const seen = gw.sim.requests.length;
    const res = await gw.call('/v1/chat/completions', { key, headers: { 'x-test-refuse': 'yes' }, body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } });
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { code: string; type: string; message: string; param: unknown } };
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(body.error.code, 'permission_denied');
    assert.equal(gw.sim.requests.length, seen, 'the upstream was not called');
    const id = res.headers.get('x-request-id')!;
    assert.deepEqual(order(id), ['authenticate', 'admit', 'guard-in', 'dummy', 'meter', 'limits', 'record']);
    const row = (await (await gw.call(`/api/usage/${id}`)).json()) as { status: number; error_code: string };
    assert.equal(row.status, 403);
    assert.equal(row.error_code, 'permission_denied');
  });

  test('an unknown /v1 path is authenticated once, then 404, and recorded', async () => {
    const key = await gw.createKey();
    const res = await gw.call('/v1/no-such-endpoint', { key, body: { model: 'gpt-4o-mini' } });
    assert.equal(res.status, 404);
    const id = res.headers.get('x-request-id')!;
    assert.deepEqual(order(id).filter((s) => s === 'authenticate'), ['authenticate']);
    assert.ok(order(id).includes('record'));
  });
});
