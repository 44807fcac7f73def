import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { CHAT_MODEL, conformanceSuite, conforms, usageRows, USER_MESSAGES } from './support.ts';

conformanceSuite('SDK streams that fail mid-way through Tollgate', (c) => {
  const req = { model: CHAT_MODEL, messages: USER_MESSAGES };

  /** Streams a chat completion, returning the text received and the error the SDK raised. */
  async function brokenChat(fault: 'break' | 'malformed'): Promise<{ text: string; err: unknown; requestId: string | null }> {
    c.gw.sim.faults.push({ kind: fault, after_chunks: 2, match: { path: '/v1/chat/completions', stream: true } });
    const client = await c.client();
    const stream = await client.chat.completions.create({ ...req, stream: true });
    const requestId = c.observer.last().requestId;
    let text = '';
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    } catch (err) {
      return { text, err, requestId };
    }
    return { text, err: undefined, requestId };
  }

  for (const [fault, code] of [['break', 'upstream_interrupted'], ['malformed', 'upstream_malformed_chunk']] as const) {
    test(`chat stream, upstream ${fault} after 2 chunks: the SDK raises an APIError and the ledger says ${code}`, async (t) => {
      const client = await c.client();
      const full = (await client.chat.completions.create(req)).choices[0]!.message.content!;
      const { text, err, requestId } = await brokenChat(fault);
      assert.ok(err instanceof OpenAI.APIError, `the SDK raised an APIError, got ${String(err)}`);
      assert.equal(err.code, code);
      conforms(t, 'ErrorResponse', { error: err.error });
      assert.ok(full.startsWith(text), 'what arrived before the failure is the start of the answer');
      assert.ok(text.length < full.length, 'the answer was cut short');
      const row = (await usageRows(c.gw)).data.find((r) => r.request_id === requestId);
      assert.ok(row, 'the interrupted stream has a ledger row');
      assert.equal(row.stream, true);
      assert.equal(row.error_code, code);
    });
  }

  test('responses stream, upstream break: the SDK yields an error event and no response.completed', async (t) => {
    c.gw.sim.faults.push({ kind: 'break', after_chunks: 3, match: { path: '/v1/responses', stream: true } });
    const client = await c.client();
    const events: OpenAI.Responses.ResponseStreamEvent[] = [];
    for await (const e of await client.responses.create({ model: CHAT_MODEL, input: 'Tell me about barriers.', stream: true })) events.push(e);
    const requestId = c.observer.last().requestId;
    const last = events.at(-1)!;
    assert.equal(last.type, 'error');
    assert.ok(last.type === 'error');
    assert.equal(last.code, 'upstream_interrupted');
    assert.ok(!events.some((e) => e.type === 'response.completed'));
    conforms(t, 'ResponseErrorEvent', last);
    const row = (await usageRows(c.gw)).data.find((r) => r.request_id === requestId);
    assert.equal(row?.error_code, 'upstream_interrupted');
  });
});
