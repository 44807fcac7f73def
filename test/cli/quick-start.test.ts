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

describe('tollgate command', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ ...baseEnv(), TOLLGATE_DATA_DIR: dir });

  test('--help lists the commands', () => {
    const r = tollgate(['--help'], env());
    assert.equal(r.status, 0);
    for (const c of ['serve', 'simulate', 'keys create', 'keys list', 'keys revoke', 'users create', 'users set-password', 'migrate']) assert.ok(r.stdout.includes(c), c);
  });

  // Issue 9.5: `npx tollgate` with no arguments silently started a server on 8080.
  test('with no arguments it prints the help and starts nothing (exit 0); an unknown command prints it too (exit 2)', () => {
    const bare = spawnSync(process.execPath, [BIN], { env: { ...env(), PORT: '0' }, encoding: 'utf8', timeout: 30_000 });
    assert.equal(bare.status, 0, bare.stderr);
    assert.match(bare.stdout, /^Usage: tollgate <command>/);
    assert.doesNotMatch(bare.stdout, /listening/);
    const unknown = tollgate(['frobnicate'], env());
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'[\s\S]*Usage: tollgate <command>/);
  });

  test('migrate creates the schema and is idempotent', () => {
    assert.match(tollgate(['migrate'], env()).stdout, /applied: 0001-init/);
    assert.match(tollgate(['migrate'], env()).stdout, /up to date/);
  });

  test('keys create, list, revoke', () => {
    const created = tollgate(['keys', 'create', '--name', 'cli key', '--models', 'gpt-4o-mini'], env());
    assert.equal(created.status, 0, created.stderr);
    const secret = /key \(shown once\): (tg-\S+)/.exec(created.stdout)![1]!;
    const id = /created (key_\w+)/.exec(created.stdout)![1]!;
    const listed = tollgate(['keys', 'list'], env()).stdout;
    assert.ok(listed.includes(id) && listed.includes('active') && !listed.includes(secret));
    assert.equal(tollgate(['keys', 'revoke', id], env()).status, 0);
    assert.match(tollgate(['keys', 'list'], env()).stdout, /revoked/);
  });

  test('users create and set-password; the password is stored as an argon2id hash, never printed', () => {
    const created = tollgate(['users', 'create', '--email', 'Ops@Example.com', '--name', 'Ops'], env());
    assert.equal(created.status, 0, created.stderr);
    const set = spawnSync(process.execPath, [BIN, 'users', 'set-password', 'ops@example.com'], { env: env(), input: 'a long enough passphrase\n', encoding: 'utf8' });
    assert.equal(set.status, 0, set.stderr);
    assert.ok(!`${set.stdout}${set.stderr}`.includes('passphrase'));
    const listed = tollgate(['users', 'list'], env()).stdout;
    assert.match(listed, /ops@example\.com.*set/);
    const weak = spawnSync(process.execPath, [BIN, 'users', 'set-password', 'ops@example.com'], { env: env(), input: 'short\n', encoding: 'utf8' });
    assert.equal(weak.status, 2);
    assert.match(weak.stderr, /at least 12 characters/);
  });

  test('bad arguments and configuration fail with a clear message and exit code 2', () => {
    const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
      [['frobnicate'], env(), /unknown command 'frobnicate'/],
      [['keys', 'create'], env(), /--name/],
      [['keys', 'revoke', 'key_missing'], env(), /no key with id/],
      [['keys', 'create', '--name', 'x', '--expires', 'yesterday'], env(), /--expires/],
      [['serve'], { ...env(), PORT: 'eighty' }, /PORT/],
      [['serve'], { ...env(), DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
      [['serve'], { ...env(), TOLLGATE_ADMIN_KEY: 'short' }, /TOLLGATE_ADMIN_KEY/],
      [['simulate', '--port', 'abc'], env(), /invalid port/],
      [['users', 'create', '--email', 'not-an-email'], env(), /email/],
      [['users', 'create', '--email', 'x@example.com', '--org-role', 'emperor'], env(), /unknown role/],
      [['users', 'set-password', 'nobody@example.com'], env(), /no user/],
      [['keys', 'create', '--name', 'x', '--team', 'team_nope'], env(), /no team/],
    ];
    for (const [args, e, message] of cases) {
      const r = tollgate(args, e);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });
});
