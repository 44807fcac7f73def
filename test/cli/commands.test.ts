import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BIN, cleanEnv, runTollgate } from './cli-process.ts';

describe('tollgate command', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ ...cleanEnv(), TOLLGATE_DATA_DIR: dir });

  test('--help lists the commands', () => {
    const r = runTollgate(['--help'], env());
    assert.equal(r.status, 0);
    for (const c of ['serve', 'simulate', 'keys create', 'keys list', 'keys revoke', 'users create', 'users set-password', 'migrate']) assert.ok(r.stdout.includes(c), c);
  });

  test('migrate creates the schema and is idempotent', () => {
    assert.match(runTollgate(['migrate'], env()).stdout, /applied: 0001-init/);
    assert.match(runTollgate(['migrate'], env()).stdout, /up to date/);
  });

  test('keys create, list, revoke', () => {
    const created = runTollgate(['keys', 'create', '--name', 'cli key', '--models', 'gpt-4o-mini'], env());
    assert.equal(created.status, 0, created.stderr);
    const secret = /key \(shown once\): (tg-\S+)/.exec(created.stdout)![1]!;
    const id = /created (key_\w+)/.exec(created.stdout)![1]!;
    const listed = runTollgate(['keys', 'list'], env()).stdout;
    assert.ok(listed.includes(id) && listed.includes('active') && !listed.includes(secret));
    assert.equal(runTollgate(['keys', 'revoke', id], env()).status, 0);
    assert.match(runTollgate(['keys', 'list'], env()).stdout, /revoked/);
  });

  test('users create and set-password; the password is stored as an argon2id hash, never printed', () => {
    const created = runTollgate(['users', 'create', '--email', 'Ops@Example.com', '--name', 'Ops'], env());
    assert.equal(created.status, 0, created.stderr);
    const set = spawnSync(process.execPath, [BIN, 'users', 'set-password', 'ops@example.com'], { env: env(), input: 'a long enough passphrase\n', encoding: 'utf8' });
    assert.equal(set.status, 0, set.stderr);
    assert.ok(!`${set.stdout}${set.stderr}`.includes('passphrase'));
    const listed = runTollgate(['users', 'list'], env()).stdout;
    assert.match(listed, /ops@example\.com.*set/);
    const weak = spawnSync(process.execPath, [BIN, 'users', 'set-password', 'ops@example.com'], { env: env(), input: 'short\n', encoding: 'utf8' });
    assert.equal(weak.status, 2);
    assert.match(weak.stderr, /at least 12 characters/);
  });
});
