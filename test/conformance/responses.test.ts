import assert from 'node:assert/strict';
import { test } from 'node:test';
import type OpenAI from 'openai';
import { CHAT_MODEL, conformanceSuite, conforms } from './support.ts';

const INPUT = 'Describe, in two sentences, how an electronic toll gantry works.';

conformanceSuite('SDK responses API through Tollgate', (c) => {
  test('plain: output_text, usage and an x-request-id', async (t) => {
    const client = await c.client();
    const { data, request_id } = await client.responses.create({ model: CHAT_MODEL, input: INPUT }).withResponse();
    assert.match(request_id ?? '', /^req_/);
    assert.equal(data.object, 'response');
    assert.equal(data.status, 'completed');
    assert.ok(data.output_text.length > 0, 'output_text is non-empty');
    const usage = data.usage!;
    assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0);
    assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
    conforms(t, 'Response', JSON.parse(await c.observer.last().body));
  });

  test('create({stream:true}): deltas join to output_text, last event response.completed with usage', async (t) => {
    const client = await c.client();
    const plain = await client.responses.create({ model: CHAT_MODEL, input: INPUT });
    const stream = await client.responses.create({ model: CHAT_MODEL, input: INPUT, stream: true });
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const text = events.flatMap((e) => (e.type === 'response.output_text.delta' ? [e.delta] : [])).join('');
    assert.equal(text, plain.output_text);
    const last = events.at(-1)!;
    assert.equal(last.type, 'response.completed');
    assert.ok(last.type === 'response.completed');
    assert.equal(last.response.status, 'completed');
    assert.deepEqual(last.response.usage, plain.usage);
    assert.equal(events[0]!.type, 'response.created');
    const seqs = events.map((e) => e.sequence_number);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'sequence numbers increase');
    for (const e of events) conforms(t, 'ResponseStreamEvent', e);
  });

  test('responses.stream helper: finalResponse and text deltas agree', async (t) => {
    const client = await c.client();
    const plain = await client.responses.create({ model: CHAT_MODEL, input: INPUT });
    const stream = client.responses.stream({ model: CHAT_MODEL, input: INPUT });
    let text = '';
    stream.on('response.output_text.delta', (e) => {
      text += e.delta;
    });
    const final = await stream.finalResponse();
    assert.equal(text, plain.output_text);
    assert.equal(final.output_text, plain.output_text);
    assert.equal(final.status, 'completed');
    assert.deepEqual(final.usage, plain.usage);
    conforms(t, 'Response', final);
    const raw = await c.observer.last().body;
    assert.match(raw, /event: response\.completed\n/);
  });

  test('instructions and item-list input are relayed', async (t) => {
    const client = await c.client();
    const res = await client.responses.create({
      model: CHAT_MODEL,
      instructions: 'Be brief.',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello gateway' }] }],
    });
    assert.equal(res.instructions, 'Be brief.');
    assert.ok(res.output_text.length > 0);
    conforms(t, 'Response', res);
  });
});
