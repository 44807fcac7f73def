import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './index.ts';

function file(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tollgate-upstream-config-')), 'tollgate.yaml');
  writeFileSync(path, text);
  return path;
}

const YAML = `upstream:
  deployments:
    - id: main
      provider: openai
      base_url: https://api.openai.com/v1
      api_key: { env: MAIN_KEY }
      models: ['*']
    - id: local
      provider: openai-compatible
      base_url: http://127.0.0.1:11434/v1
      models: [llama3.1]
  aliases:
    fast: gpt-4o-mini
  fallbacks:
    gpt-4o: [gpt-4o-mini, { deployment: local }]
`;

test('deployments, aliases and fallbacks from tollgate.yaml; the secret is read through its reference', () => {
  const config = loadConfig({ TOLLGATE_CONFIG: file(YAML), MAIN_KEY: 'sk-main-secret' });
  assert.deepEqual(config.upstream.deployments.map((d) => [d.id, d.weight, d.priority]), [['main', 1, 0], ['local', 1, 0]]);
  assert.deepEqual(config.upstream.deployments[0]!.api_key, { env: 'MAIN_KEY' }, 'the configuration keeps the reference');
  assert.equal(config.deploymentSecrets.get('main'), 'sk-main-secret');
  assert.equal(config.deploymentSecrets.has('local'), false);
  assert.deepEqual(config.upstream.aliases, { fast: 'gpt-4o-mini' });
});

test('a secret variable that is not set is a start-up error naming the file line, never a value', () => {
  assert.throws(
    () => loadConfig({ TOLLGATE_CONFIG: file(YAML) }),
    (err: Error) => err instanceof ConfigError && /upstream\.deployments\[0\]\.api_key \(deployment 'main'\) \(.*tollgate\.yaml, line \d+\): refers to the environment variable MAIN_KEY, which is not set/.test(err.message),
  );
});

test('an inline secret in the file is refused without repeating it', () => {
  const text = YAML.replace('api_key: { env: MAIN_KEY }', 'api_key: sk-inline-0123456789');
  assert.throws(
    () => loadConfig({ TOLLGATE_CONFIG: file(text), MAIN_KEY: 'x' }),
    (err: Error) => err instanceof ConfigError && /inline secrets are refused/.test(err.message) && !err.message.includes('sk-inline-0123456789'),
  );
});

test('an alias naming another alias, a fallback to a deployment that does not exist, a model nobody serves: each refused', () => {
  const bad = YAML.replace('fast: gpt-4o-mini', 'fast: quick\n    quick: fast').replace('{ deployment: local }', '{ deployment: gone }').replace("models: ['*']", 'models: [gpt-4o]').replace('gpt-4o: [gpt-4o-mini,', 'gpt-4o: [o9-nothing,');
  assert.throws(
    () => loadConfig({ TOLLGATE_CONFIG: file(bad), MAIN_KEY: 'x' }),
    (err: Error) =>
      err instanceof ConfigError &&
      /a loop: fast → quick → fast/.test(err.message) &&
      /'gone', which is not in upstream\.deployments/.test(err.message) &&
      /'o9-nothing', which no deployment serves/.test(err.message),
  );
});
