import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { readSse } from '../../../test/support/sse.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';
import { STRUCTURED_SCHEMAS } from './structured-schema-fixtures.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const ctx = useSimulator();
const url = (path: string): string => `${ctx.sim.url}${path}`;

type Json = Record<string, any>;

async function post(path: string, body: Json): Promise<Json> {
  const response = await postJson(url(path), body);
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Json;
}

const chatFormat = (name: string, schema: unknown) => ({ type: 'json_schema', json_schema: { name, schema, strict: true } });

test('issue 9.17: strict json_schema output validates against the schema (chat), deterministically', async (t) => {
  const spec = specOrSkip(t);
  for (const [name, schema] of Object.entries(STRUCTURED_SCHEMAS)) {
    const validate = ajv.compile(schema);
    for (const question of ['Describe a customer.', 'Another one, please.', 'Und noch einer?']) {
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: question }], response_format: chatFormat(name, schema) };
      const completion = await post('/v1/chat/completions', body);
      const content = completion['choices'][0].message.content as string;
      assert.ok(validate(JSON.parse(content)), `${name}: ${JSON.stringify(validate.errors)}\n${content}`);
      spec?.assertValid('CreateChatCompletionResponse', completion);
      // The same request gives the same output.
      assert.equal((await post('/v1/chat/completions', body))['choices'][0].message.content, content);
      // Streamed, the deltas join to the same JSON.
      const events = await readSse(await postJson(url('/v1/chat/completions'), { ...body, stream: true }));
      const streamed = events.slice(0, -1).map((e) => (JSON.parse(e.data) as Json)['choices'][0]?.delta?.content ?? '').join('');
      assert.equal(streamed, content);
    }
  }
});

test('issue 9.17: n > 1 gives each choice its own valid value', async () => {
  const schema = STRUCTURED_SCHEMAS['nestedArrays'];
  const validate = ajv.compile(schema!);
  const completion = await post('/v1/chat/completions', {
    model: 'gpt-4o', messages: [{ role: 'user', content: 'orders' }], n: 3, response_format: chatFormat('orders', schema),
  });
  const contents = completion['choices'].map((c: Json) => c.message.content as string);
  for (const content of contents) assert.ok(validate(JSON.parse(content)), content);
  assert.equal(new Set(contents).size, 3);
});

test('issue 9.17: text.format json_schema on /v1/responses validates too, streamed and not', async (t) => {
  const spec = specOrSkip(t);
  for (const [name, schema] of Object.entries(STRUCTURED_SCHEMAS)) {
    const validate = ajv.compile(schema);
    const body = { model: 'gpt-4.1', input: `A ${name} value, please.`, text: { format: { type: 'json_schema', name, schema, strict: true } } };
    const response = await post('/v1/responses', body);
    const text = response['output'][0].content[0].text as string;
    assert.ok(validate(JSON.parse(text)), `${name}: ${text}`);
    spec?.assertValid('Response', response);
    const events = await readSse(await postJson(url('/v1/responses'), { ...body, stream: true }));
    const done = events.map((e) => JSON.parse(e.data) as Json).find((e) => e['type'] === 'response.output_text.done');
    assert.equal(done?.['text'], text);
  }
});

test('json_object returns a JSON object, also on /v1/responses', async () => {
  const chat = await post('/v1/chat/completions', {
    model: 'gpt-4o', messages: [{ role: 'system', content: 'Reply in JSON.' }, { role: 'user', content: 'Hi' }], response_format: { type: 'json_object' },
  });
  const value: unknown = JSON.parse(chat['choices'][0].message.content);
  assert.ok(value !== null && typeof value === 'object' && !Array.isArray(value));
  const response = await post('/v1/responses', { model: 'gpt-4o', input: 'Give me JSON', text: { format: { type: 'json_object' } } });
  assert.equal(typeof JSON.parse(response['output'][0].content[0].text), 'object');
  const refused = await postJson(url('/v1/responses'), { model: 'gpt-4o', input: 'Hi', text: { format: { type: 'json_object' } } });
  assert.equal(refused.status, 400);
});

test('a strict schema that structured outputs cannot use is refused with a 400 naming the problem', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, /'additionalProperties' is required to be supplied and to be false/],
    [{ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'], additionalProperties: false }, /Missing 'b'/],
    [{ type: 'array', items: { type: 'string' } }, /must be a JSON Schema of 'type: "object"'/],
    [
      { type: 'object', properties: { inner: { type: 'object', properties: { x: { type: 'string' } }, required: ['x'] } }, required: ['inner'], additionalProperties: false },
      /In context=\('properties', 'inner'\), 'additionalProperties'/,
    ],
  ];
  for (const [schema, message] of cases) {
    const response = await postJson(url('/v1/chat/completions'), {
      model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], response_format: chatFormat('bad', schema),
    });
    assert.equal(response.status, 400);
    const error = ((await response.json()) as { error: { message: string; param: string; type: string } }).error;
    assert.match(error.message, /^Invalid schema for response_format 'bad': /);
    assert.match(error.message, message);
    assert.equal(error.param, 'response_format');
    assert.equal(error.type, 'invalid_request_error');
  }
  // Without strict the same schema is accepted, and the output still validates.
  const loose = { type: 'object', properties: { a: { type: 'string' }, n: { type: 'integer', minimum: 5 } } };
  const completion = await post('/v1/chat/completions', {
    model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'loose', schema: loose } },
  });
  assert.ok(ajv.validate(loose, JSON.parse(completion['choices'][0].message.content)));
  const missingName = await postJson(url('/v1/chat/completions'), {
    model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { schema: loose } },
  });
  assert.equal(((await missingName.json()) as { error: { param: string } }).error.param, 'response_format.json_schema.name');
});
