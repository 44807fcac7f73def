import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { promptTokenSequence } from './prompt-tokens.ts';
import { countText } from './token-counter.ts';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';

const ctx = useSimulator();

/** The simulator's own counts (independent checks against OpenAI's tokenizer live in test/simulator). */
const countTextTokens = (text: string, _model: string): number => countText(text, 'o200k_base');
const countChatPromptTokens = (messages: Array<Record<string, unknown>>, model: string): number =>
  promptTokenSequence(messages, [], 'o200k_base', model).length;
const responsesUrl = (): string => `${ctx.sim.url}/v1/responses`;

/** Event type → the component schema describing it. */
const EVENT_SCHEMAS: Record<string, string> = {
  'response.created': 'ResponseCreatedEvent',
  'response.in_progress': 'ResponseInProgressEvent',
  'response.output_item.added': 'ResponseOutputItemAddedEvent',
  'response.output_item.done': 'ResponseOutputItemDoneEvent',
  'response.content_part.added': 'ResponseContentPartAddedEvent',
  'response.content_part.done': 'ResponseContentPartDoneEvent',
  'response.output_text.delta': 'ResponseTextDeltaEvent',
  'response.output_text.done': 'ResponseTextDoneEvent',
  'response.completed': 'ResponseCompletedEvent',
  'response.incomplete': 'ResponseIncompleteEvent',
};

type Json = Record<string, any>;

async function create(body: Json): Promise<Json> {
  const response = await postJson(responsesUrl(), body);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Json;
}

async function createStream(body: Json): Promise<Array<{ event: string; data: Json }>> {
  const response = await postJson(responsesUrl(), { ...body, stream: true });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const events = await readSse(response);
  return events.map((e) => {
    const data = JSON.parse(e.data) as Json;
    assert.equal(e.event, data['type'], 'event: line matches the payload type');
    return { event: e.event ?? '', data };
  });
}

function outputText(response: Json): string {
  const message = (response['output'] as Json[]).find((item) => item['type'] === 'message');
  return (message?.['content'] as Json[] | undefined)?.map((part) => part['text']).join('') ?? '';
}

test('string input: response object and usage', async () => {
  const body = await create({ model: 'gpt-4o', input: 'Write a haiku about gateways.' });
  assert.match(body['id'], /^resp_/);
  assert.equal(body['object'], 'response');
  assert.equal(body['status'], 'completed');
  assert.equal(body['model'], 'gpt-4o-2024-08-06');
  const text = outputText(body);
  assert.ok(text.length > 0);
  const expectedInput = countChatPromptTokens([{ role: 'user', content: 'Write a haiku about gateways.' }], 'gpt-4o');
  assert.equal(body['usage'].input_tokens, expectedInput);
  assert.equal(body['usage'].output_tokens, countTextTokens(text, 'gpt-4o'));
  assert.equal(body['usage'].total_tokens, body['usage'].input_tokens + body['usage'].output_tokens);
  assert.equal(body['usage'].output_tokens_details.reasoning_tokens, 0);
});

test('item-list input with instructions', async () => {
  const input = [
    { role: 'user', content: 'Hi!' },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello, how can I help?' }] },
    { role: 'user', content: [{ type: 'input_text', text: 'Summarise our chat.' }] },
  ];
  const body = await create({ model: 'gpt-4.1', input, instructions: 'Be brief.' });
  assert.equal(body['instructions'], 'Be brief.');
  const expected = countChatPromptTokens(
    [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi!' },
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: 'Summarise our chat.' },
    ],
    'gpt-4.1',
  );
  assert.equal(body['usage'].input_tokens, expected);
  // The reply is seeded by the last user message, like chat completions.
  const same = await create({ model: 'gpt-4.1', input: 'Summarise our chat.' });
  assert.equal(outputText(same), outputText(body));
});

test('reasoning models add a reasoning item and reasoning tokens', async () => {
  const body = await create({ model: 'o4-mini', input: 'Think about it.' });
  const output = body['output'] as Json[];
  assert.equal(output[0]?.['type'], 'reasoning');
  assert.equal(output[1]?.['type'], 'message');
  const reasoning = body['usage'].output_tokens_details.reasoning_tokens;
  assert.ok(reasoning > 0);
  assert.equal(body['usage'].output_tokens, reasoning + countTextTokens(outputText(body), 'o4-mini'));
});

test('max_output_tokens makes the response incomplete', async () => {
  const body = await create({ model: 'gpt-4o', input: 'Tell me a long story.', max_output_tokens: 16 });
  const full = await create({ model: 'gpt-4o', input: 'Tell me a long story.' });
  if (full['usage'].output_tokens > 16) {
    assert.equal(body['status'], 'incomplete');
    assert.deepEqual(body['incomplete_details'], { reason: 'max_output_tokens' });
    assert.equal(body['usage'].output_tokens, 16);
  }
  const tooSmall = await postJson(responsesUrl(), { model: 'gpt-4o', input: 'x', max_output_tokens: 5 });
  assert.equal(tooSmall.status, 400);
});

test('streaming follows the documented event sequence', async () => {
  const events = await createStream({ model: 'gpt-4o', input: 'Stream please.' });
  const types = events.map((e) => e.event);
  const deltas = types.filter((t) => t === 'response.output_text.delta').length;
  assert.ok(deltas >= 2);
  assert.deepEqual(types, [
    'response.created',
    'response.in_progress',
    'response.output_item.added',
    'response.content_part.added',
    ...Array<string>(deltas).fill('response.output_text.delta'),
    'response.output_text.done',
    'response.content_part.done',
    'response.output_item.done',
    'response.completed',
  ]);
  assert.deepEqual(events.map((e) => e.data['sequence_number']), events.map((_, i) => i));
  const streamed = events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data['delta']).join('');
  const done = events.find((e) => e.event === 'response.output_text.done');
  assert.equal(streamed, done?.data['text']);
  const completed = events.at(-1)?.data['response'] as Json;
  assert.equal(outputText(completed), streamed);
  assert.equal(completed['usage'].output_tokens, countTextTokens(streamed, 'gpt-4o'));
  const nonStream = await create({ model: 'gpt-4o', input: 'Stream please.' });
  assert.equal(outputText(nonStream), streamed);
});

test('works with the official openai SDK', async () => {
  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'x', maxRetries: 0 });
  const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello SDK', instructions: 'Reply kindly.' });
  assert.ok(response.output_text.length > 0);
  assert.equal(response.status, 'completed');

  const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello SDK', instructions: 'Reply kindly.', stream: true });
  let text = '';
  let final: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.completed') final = event.response;
  }
  assert.equal(text, response.output_text);
  assert.equal(final?.usage?.total_tokens, response.usage?.total_tokens);
});

test('responses and events validate against the OpenAPI schemas', async (t) => {
  const spec = specOrSkip(t);
  if (spec === undefined) return;
  const cases: Json[] = [
    { model: 'gpt-4o', input: 'Validate me.' },
    { model: 'o3', input: [{ role: 'user', content: 'Validate me.' }], instructions: 'Be exact.', reasoning: { effort: 'low' } },
    { model: 'gpt-4o', input: 'Validate a truncated reply.', max_output_tokens: 16, metadata: { run: 'conformance' } },
  ];
  for (const body of cases) {
    spec.assertValid('Response', await create(body));
    for (const { event, data } of await createStream(body)) {
      const schema = EVENT_SCHEMAS[event];
      assert.ok(schema, `unexpected event ${event}`);
      spec.assertValid(schema, data);
      spec.assertValid('ResponseStreamEvent', data);
    }
  }
});
