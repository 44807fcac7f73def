import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheKey, isCacheable, MemoryCache, parseCacheDirective, ResponseCache, stableJson } from './index.ts';

const body = { model: 'gpt-4o', temperature: 0, messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }] };
const completion = { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }] };

test('the key ignores key order and delivery fields, and changes with anything that shapes the answer', () => {
  const k = (b: Record<string, unknown>, orgId = 'org_1') => cacheKey({ orgId, endpoint: 'chat', model: 'gpt-4o', body: b });
  const reordered = { tools: body.tools, messages: [{ content: 'hi', role: 'user' }], temperature: 0, model: 'gpt-4o' };
  assert.equal(k(reordered), k(body));
  assert.equal(k({ ...body, stream: true, stream_options: { include_usage: true }, user: 'u1', metadata: { a: '1' } }), k(body));
  assert.match(k(body), /^rc:org_1:chat:[A-Za-z0-9_-]{43}$/);
  for (const changed of [
    { ...body, temperature: 0.2 },
    { ...body, messages: [{ role: 'user', content: 'hi!' }] },
    { ...body, tools: [] },
    { ...body, max_tokens: 5 },
    { ...body, seed: 1 },
  ]) assert.notEqual(k(changed), k(body), JSON.stringify(changed));
  assert.notEqual(cacheKey({ orgId: 'org_1', endpoint: 'chat', model: 'gpt-4o-mini', body }), k(body), 'the serving model is part of the key');
  assert.equal(stableJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
});

test('only deterministic requests are cacheable unless opted in; off always bypasses', () => {
  assert.equal(isCacheable({ temperature: 0 }, undefined), true);
  assert.equal(isCacheable({ seed: 7 }, undefined), true);
  assert.equal(isCacheable({}, undefined), false, 'default temperature is 1');
  assert.equal(isCacheable({ temperature: 0.7 }, undefined), false);
  assert.equal(isCacheable({ seed: 1.5 }, undefined), false);
  assert.equal(isCacheable({ temperature: 0.7 }, 'on'), true);
  assert.equal(isCacheable({ temperature: 0 }, 'off'), false);
  assert.equal(isCacheable({ temperature: 0, previous_response_id: 'resp_1' }, 'on'), false, 'the answer depends on upstream state');
  assert.equal(isCacheable({ temperature: 0, background: true }, undefined), false);
  assert.equal(parseCacheDirective(' ON '), 'on');
  assert.equal(parseCacheDirective(undefined), undefined);
  assert.throws(() => parseCacheDirective('yes'), (e: { status: number; param: string }) => e.status === 400 && e.param === 'x-tollgate-cache');
});

test('threat: one organization is never served another organization\'s answer', async () => {
  const rc = new ResponseCache({ cache: new MemoryCache() });
  const a = rc.plan({ orgId: 'org_a', endpoint: 'chat', model: 'gpt-4o', body, directive: undefined });
  const b = rc.plan({ orgId: 'org_b', endpoint: 'chat', model: 'gpt-4o', body, directive: undefined });
  assert.ok(a.status === 'lookup' && b.status === 'lookup');
  assert.equal(await rc.store(a, completion), true);
  assert.deepEqual((await rc.lookup(a))?.body, completion);
  assert.equal(await rc.lookup(b), undefined, 'the same request from another organization misses');
  const sneaky = rc.plan({ orgId: 'org_a:chat', endpoint: 'chat', model: 'gpt-4o', body, directive: undefined });
  assert.ok(sneaky.status === 'lookup' && sneaky.key !== a.key, 'an id with separators cannot reach another key');
});

test('threat: a non-deterministic request is never stored or served unless opted in', async () => {
  const rc = new ResponseCache({ cache: new MemoryCache() });
  const creative = { ...body, temperature: 0.9 };
  assert.deepEqual(rc.plan({ orgId: 'org_a', endpoint: 'chat', model: 'gpt-4o', body: creative, directive: undefined }), { status: 'bypass' });
  const opted = rc.plan({ orgId: 'org_a', endpoint: 'chat', model: 'gpt-4o', body: creative, directive: 'on' });
  assert.equal(opted.status, 'lookup');
});

test('incomplete answers are not stored; an unreadable or foreign entry is a miss', async () => {
  const cache = new MemoryCache();
  const rc = new ResponseCache({ cache, ttlMs: 60_000 });
  const plan = rc.plan({ orgId: 'org_a', endpoint: 'chat', model: 'gpt-4o', body, directive: undefined });
  assert.ok(plan.status === 'lookup');
  assert.equal(await rc.store(plan, { ...completion, choices: [{ ...completion.choices[0]!, finish_reason: 'content_filter' }] }), false);
  assert.equal(await rc.store(plan, { ...completion, choices: [] }), false);
  const responses = rc.plan({ orgId: 'org_a', endpoint: 'responses', model: 'gpt-4o', body, directive: undefined });
  assert.ok(responses.status === 'lookup');
  assert.equal(await rc.store(responses, { id: 'resp_1', object: 'response', status: 'incomplete', output: [] }), false);
  await cache.set(plan.key, 'not json', 60_000);
  assert.equal(await rc.lookup(plan), undefined);
  await cache.set(plan.key, JSON.stringify({ v: 1, endpoint: 'embeddings', body: {}, storedAt: 0 }), 60_000);
  assert.equal(await rc.lookup(plan), undefined);
});
