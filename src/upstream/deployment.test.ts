import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authHeaders, parseDeployments, serves, upstreamModel } from './deployment.ts';
import { ModelAliases } from './model-aliases.ts';
import { resolveSecret, SecretRefError } from './secret-ref.ts';

const azure = {
  id: 'azure-eu',
  provider: 'azure',
  base_url: 'https://tollgate-eu.openai.azure.com/openai/v1',
  api_key: { env: 'AZURE_EU_KEY' },
  models: ['gpt-4o'],
  model_map: { 'gpt-4o': 'prod-gpt4o' },
  weight: 2,
  attributes: { region: 'eu', zero_retention: true },
};

test('a deployment with defaults: weight 1, priority 0, no limits, no attributes', () => {
  const [d] = parseDeployments([{ id: 'ollama', provider: 'openai-compatible', base_url: 'http://127.0.0.1:11434/v1', models: ['*'] }]);
  assert.equal(d!.weight, 1);
  assert.equal(d!.priority, 0);
  assert.deepEqual(d!.limits, {});
  assert.deepEqual(d!.attributes, { zero_retention: false, tags: [] });
  assert.ok(serves(d!, 'llama3.1'));
  assert.deepEqual(authHeaders(d!, undefined), {});
});

test('Azure: api-key header and the deployment name for the model', () => {
  const [d] = parseDeployments([azure]);
  assert.deepEqual(authHeaders(d!, 'k'), { 'api-key': 'k' });
  assert.equal(upstreamModel(d!, 'gpt-4o'), 'prod-gpt4o');
  assert.ok(!serves(d!, 'gpt-4o-mini'));
  const [o] = parseDeployments([{ ...azure, provider: 'openai', model_map: {} }]);
  assert.deepEqual(authHeaders(o!, 'k'), { authorization: 'Bearer k' });
});

test('an inline secret is refused without repeating it; so is a key in the URL', () => {
  assert.throws(
    () => parseDeployments([{ ...azure, api_key: 'sk-live-SECRET123' }]),
    (err: Error) => /inline secrets are refused/.test(err.message) && !err.message.includes('SECRET123'),
  );
  assert.throws(() => parseDeployments([{ ...azure, base_url: 'https://user:sk-SECRET@x.example/v1' }]), /without credentials/);
  assert.throws(() => parseDeployments([{ ...azure, base_url: 'https://x.example/v1?api-key=SECRET' }]), /without credentials, query/);
});

test('bad deployments are refused with the field', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...azure, provider: 'anthropic' }, /provider/],
    [{ ...azure, base_url: 'ftp://x.example' }, /base_url/],
    [{ ...azure, base_url: 'not a url' }, /base_url/],
    [{ ...azure, id: 'Azure EU' }, /id/],
    [{ ...azure, weight: -1 }, /weight/],
    [{ ...azure, models: [] }, /models/],
    [{ ...azure, api_key: { env: 'A-B' } }, /api_key/],
    [{ ...azure, api_key: { file: 'relative/path' } }, /absolute/],
    [{ ...azure, limits: { rpm: 5 } }, /rpm/],
    [{ ...azure, secret: 'x' }, /secret/],
  ];
  for (const [input, pattern] of cases) assert.throws(() => parseDeployments([input]), pattern, JSON.stringify(input));
  assert.throws(() => parseDeployments([azure, azure]), /duplicate deployment id 'azure-eu'/);
});

test('secrets by reference: env or file, clear errors that never hold a value', () => {
  assert.equal(resolveSecret({ env: 'K' }, { env: { K: 'sk-1' } }), 'sk-1');
  assert.throws(() => resolveSecret({ env: 'K' }, { env: {} }), SecretRefError);
  assert.equal(resolveSecret({ file: '/run/k' }, { env: {}, readFile: () => 'sk-2\n' }), 'sk-2');
  assert.throws(() => resolveSecret({ file: '/run/k' }, { env: {}, readFile: () => '\n' }), /is empty/);
  assert.throws(() => resolveSecret({ file: '/run/k' }, { env: {}, readFile: () => 'a\nb\n' }), /more than one line/);
  assert.throws(
    () => resolveSecret({ file: '/nonexistent/tollgate-key' }, { env: {} }),
    (err: Error) => err instanceof SecretRefError && /cannot be read \(ENOENT\)/.test(err.message),
  );
});

test('aliases resolve in one step; self and chained aliases are refused', () => {
  const a = new ModelAliases({ fast: 'gpt-4o-mini', smart: 'gpt-4o' });
  assert.equal(a.resolve('fast'), 'gpt-4o-mini');
  assert.equal(a.resolve('gpt-4o'), 'gpt-4o');
  assert.ok(a.isAlias('smart'));
  assert.throws(() => new ModelAliases({ a: 'a' }), /names itself/);
  assert.throws(() => new ModelAliases({ a: 'b', b: 'gpt-4o' }), /another alias/);
  assert.throws(() => new ModelAliases({ a: '' }));
});
