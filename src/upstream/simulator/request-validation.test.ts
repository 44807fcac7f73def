// Authentication, request validation and error shapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { maskApiKey } from './auth-check.ts';
import { postJson, specOrSkip, useSimulator } from './simulator-test-support.ts';

const API_KEY = 'sk-sim-0123456789abcdefghijklmnopqrstuvwxyz';
const ctx = useSimulator({ apiKey: API_KEY });
type Json = Record<string, any>;

const AUTH = { authorization: `Bearer ${API_KEY}` };
const MESSAGES = [{ role: 'user', content: 'hi' }];

async function chatError(body: unknown, status = 400): Promise<Json> {
  const response = await postJson(`${ctx.sim.url}/v1/chat/completions`, body, AUTH);
  assert.equal(response.status, status);
  assert.match(response.headers.get('x-request-id') ?? '', /^req_/);
  return ((await response.json()) as Json)['error'] as Json;
}

test('maskApiKey keeps only the ends of the key', () => {
  assert.equal(maskApiKey('sk-abcdefghijklmnopqrstuvwxyz'), `sk-abcde${'*'.repeat(17)}wxyz`);
  assert.equal(maskApiKey('short-key'), 'sh*****ey');
  assert.equal(maskApiKey('abc'), '***');
});

test('a missing key is rejected with invalid_api_key', async () => {
  const response = await fetch(`${ctx.sim.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o', messages: MESSAGES }),
  });
  assert.equal(response.status, 401);
  const error = ((await response.json()) as Json)['error'] as Json;
  assert.equal(error['code'], 'invalid_api_key');
  assert.equal(error['type'], 'invalid_request_error');
  assert.equal(error['param'], null);
});

test('a wrong key is rejected and echoed masked, never in full', async () => {
  const wrong = 'sk-wrong-key-ABCDEFGHIJKLMNOPQRSTUVWXYZ-0000';
  const get = await fetch(`${ctx.sim.url}/v1/models`, { headers: { authorization: `Bearer ${wrong}` } });
  assert.equal(get.status, 401);
  const error = ((await get.json()) as Json)['error'] as Json;
  assert.equal(error['code'], 'invalid_api_key');
  assert.equal(error['message'], `Incorrect API key provided: ${maskApiKey(wrong)}. You can find your API key at https://platform.openai.com/account/api-keys.`);
  assert.ok(!(error['message'] as string).includes(wrong));
  assert.ok((error['message'] as string).includes('sk-wrong'));
});

test('the right key is accepted; the control API needs none', async () => {
  const ok = await postJson(`${ctx.sim.url}/v1/chat/completions`, { model: 'gpt-4o', messages: MESSAGES }, AUTH);
  assert.equal(ok.status, 200);
  await ok.arrayBuffer();
  const control = await fetch(`${ctx.sim.url}/_simulator/requests`);
  assert.equal(control.status, 200);
  await control.arrayBuffer();
});

test('the SDK maps auth failures to AuthenticationError', async () => {
  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: 'sk-nope-1234567890abcdef', maxRetries: 0 });
  await assert.rejects(client.models.list(), (error: unknown) => {
    assert.ok(error instanceof OpenAI.AuthenticationError);
    assert.equal(error.status, 401);
    return true;
  });
});

test('missing required parameters', async () => {
  assert.deepEqual(await chatError({ model: 'gpt-4o' }), {
    message: "Missing required parameter: 'messages'.",
    type: 'invalid_request_error',
    param: 'messages',
    code: 'missing_required_parameter',
  });
  assert.equal((await chatError({ messages: MESSAGES }))['param'], 'model');
  assert.equal((await chatError({ model: 'gpt-4o', messages: [{ content: 'x' }] }))['param'], 'messages[0].role');
  assert.equal((await chatError({ model: 'gpt-4o', messages: [{ role: 'user' }] }))['param'], 'messages[0].content');
  const empty = await postJson(`${ctx.sim.url}/v1/chat/completions`, '', AUTH);
  assert.equal(((await empty.json()) as Json)['error'].code, 'missing_required_parameter');
});

test('invalid types and values', async () => {
  const notArray = await chatError({ model: 'gpt-4o', messages: 'hello' });
  assert.equal(notArray['code'], 'invalid_type');
  assert.equal(notArray['param'], 'messages');
  assert.equal(notArray['message'], "Invalid type for 'messages': expected an array of objects, but got a string instead.");

  const n = await chatError({ model: 'gpt-4o', messages: MESSAGES, n: '2' });
  assert.deepEqual([n['code'], n['param']], ['invalid_type', 'n']);
  const stream = await chatError({ model: 'gpt-4o', messages: MESSAGES, stream: 'yes' });
  assert.deepEqual([stream['code'], stream['param']], ['invalid_type', 'stream']);
  const model = await chatError({ model: 42, messages: MESSAGES });
  assert.deepEqual([model['code'], model['param']], ['invalid_type', 'model']);

  const role = await chatError({ model: 'gpt-4o', messages: [{ role: 'robot', content: 'x' }] });
  assert.deepEqual([role['code'], role['param']], ['invalid_value', 'messages[0].role']);
  const emptyList = await chatError({ model: 'gpt-4o', messages: [] });
  assert.equal(emptyList['code'], 'empty_array');
  const temperature = await chatError({ model: 'gpt-4o', messages: MESSAGES, temperature: 3 });
  assert.deepEqual([temperature['code'], temperature['param']], ['integer_above_max_value', 'temperature']);
  const streamOptions = await chatError({ model: 'gpt-4o', messages: MESSAGES, stream_options: { include_usage: true } });
  assert.equal(streamOptions['param'], 'stream_options');
  const notObject = await chatError([1, 2]);
  assert.equal(notObject['code'], 'invalid_type');
});

test('invalid JSON bodies', async () => {
  const error = await chatError('{"model": "gpt-4o", ');
  assert.equal(error['type'], 'invalid_request_error');
  assert.equal(error['code'], null);
  assert.match(error['message'], /could not parse the JSON body/);
});

test('other endpoints validate their required parameters', async () => {
  const cases: Array<[string, Json, string]> = [
    ['/v1/responses', { model: 'gpt-4o' }, 'input'],
    ['/v1/responses', { input: 'x' }, 'model'],
    ['/v1/completions', { model: 'gpt-3.5-turbo-instruct' }, 'prompt'],
    ['/v1/embeddings', { model: 'text-embedding-3-small' }, 'input'],
    ['/v1/embeddings', { input: 'x' }, 'model'],
    ['/v1/moderations', {}, 'input'],
  ];
  for (const [path, body, param] of cases) {
    const response = await postJson(`${ctx.sim.url}${path}`, body, AUTH);
    assert.equal(response.status, 400, path);
    const error = ((await response.json()) as Json)['error'] as Json;
    assert.deepEqual([error['code'], error['param']], ['missing_required_parameter', param], path);
  }
});

test('unknown URLs are 404 in the error shape', async () => {
  const unknown = await fetch(`${ctx.sim.url}/v1/nope`, { headers: AUTH });
  assert.equal(unknown.status, 404);
  const error = ((await unknown.json()) as Json)['error'] as Json;
  assert.equal(error['message'], 'Invalid URL (GET /v1/nope)');
  assert.equal(error['type'], 'invalid_request_error');
  const wrongMethod = await fetch(`${ctx.sim.url}/v1/chat/completions`, { headers: AUTH });
  assert.equal(wrongMethod.status, 404);
  await wrongMethod.arrayBuffer();
});

test('the SDK maps validation failures to BadRequestError', async () => {
  const client = new OpenAI({ baseURL: `${ctx.sim.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
  await assert.rejects(
    client.chat.completions.create({ model: 'gpt-4o', messages: [] }),
    (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.code, 'empty_array');
      assert.equal(error.param, 'messages');
      return true;
    },
  );
});

test('error bodies validate against ErrorResponse', async (t) => {
  const spec = specOrSkip(t);
  if (spec === undefined) return;
  spec.assertValid('ErrorResponse', { error: await chatError({ model: 'gpt-4o' }) });
  spec.assertValid('ErrorResponse', { error: await chatError('not json') });
  spec.assertValid('ErrorResponse', { error: await chatError({ model: 'gpt-4o', messages: 'x' }) });
  spec.assertValid('ErrorResponse', await (await fetch(`${ctx.sim.url}/v1/models`)).json());
  spec.assertValid('ErrorResponse', await (await fetch(`${ctx.sim.url}/v1/nope`, { headers: AUTH })).json());
});
