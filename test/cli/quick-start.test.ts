import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';

const BIN = join(import.meta.dirname, '../../bin/tollgate.js');
const baseEnv = () => {
  const env = { ...process.env };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'DATABASE_URL', 'TOLLGATE_ADMIN_KEY', 'PORT', 'HOST']) delete env[k];
  return env;
};

function tollgate(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 30_000 });
}

/** Starts `tollgate serve` and resolves once the banner (with the URL and, on a fresh store, the key) is printed. */
function serve(env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; banner: string }> {
  const proc = spawn(process.execPath, [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20_000);
    proc.stdout!.on('data', (c) => {
      out += c;
      if (/Tollgate listening on/.test(out) && /Store:/.test(out)) {
        setTimeout(() => {
          clearTimeout(timer);
          resolve({ proc, banner: out });
        }, 100);
      }
    });
    proc.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('quick start: tollgate serve on a fresh data directory, no OpenAI key', () => {
  let dir: string;
  let proc: ChildProcess;
  let banner: string;
  let url: string;
  let key: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
    ({ proc, banner } = await serve({ ...baseEnv(), PORT: '0', TOLLGATE_DATA_DIR: dir }));
    url = /listening on (http:\/\/\S+)/.exec(banner)![1]!;
    key = /\n\s+(tg-[A-Za-z0-9_-]+)\n/.exec(banner)![1]!;
  });
  after(() => {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('the banner says it runs on the simulator and shows the admin key once', () => {
    assert.match(banner, /built-in simulator/);
    assert.match(key, /^tg-/);
  });

  test('the official SDK chats with the printed key, streamed and not', async () => {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
    const chat = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] });
    assert.ok(chat.choices[0]!.message.content!.length > 0);
    let text = '';
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], stream: true });
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, chat.choices[0]!.message.content);
    const models = await client.models.list();
    assert.ok(models.data.length > 0);
    assert.ok(models.data.every((m) => m.owned_by === 'tollgate-simulator'));
  });

  test('the store was created under the data directory and the key is listed, not shown', () => {
    const r = tollgate(['keys', 'list'], { ...baseEnv(), TOLLGATE_DATA_DIR: dir });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /bootstrap admin/);
    assert.ok(!r.stdout.includes(key), 'the secret is not listed');
    assert.ok(r.stdout.includes(key.slice(0, 11)), 'the prefix is');
  });

  test('SIGTERM shuts it down cleanly', async () => {
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
