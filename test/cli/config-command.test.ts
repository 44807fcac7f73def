import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { SettingReport } from '../../src/config/index.ts';
import { BIN, cleanEnv } from './cli-process.ts';

const UPSTREAM_KEY = 'sk-upstream-SECRET-0123456789';
const ADMIN_KEY = 'tg-admin-SECRET-0123456789abcdef';
const DB_PASSWORD = 'db-SECRET-pw';
const SMTP_PASSWORD = 'smtp-SECRET-pw';
const SECRETS = [UPSTREAM_KEY, ADMIN_KEY, DB_PASSWORD, SMTP_PASSWORD];

describe('tollgate config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const smtpFile = join(dir, 'smtp-url');
  writeFileSync(smtpFile, `smtps://mailer:${SMTP_PASSWORD}@mail.internal:465\n`);
  writeFileSync(
    join(dir, 'tollgate.yaml'),
    ['server:', '  host: 0.0.0.0', '  port: 9000', 'upstream:', '  api_key: { env: OPENAI_KEY_PROD }', 'mail:', `  smtp_url: { file: ${smtpFile} }`, ''].join('\n'),
  );
  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({
      OPENAI_KEY_PROD: UPSTREAM_KEY,
      TOLLGATE_ADMIN_KEY: ADMIN_KEY,
      DATABASE_URL: `postgres://tollgate:${DB_PASSWORD}@db.internal:5432/tollgate`,
      PORT: '9100',
      ...extra,
    });
  const run = (args: string[], extra?: Record<string, string>) =>
    spawnSync(process.execPath, [BIN, 'config', ...args], { env: env(extra), cwd: dir, encoding: 'utf8', timeout: 60_000 });

  test('prints every setting with its value and where it came from; ./tollgate.yaml is found; no secret is shown', () => {
    const r = run([]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Configuration file: ${join(dir, 'tollgate.yaml')}$`, 'm'));
    const row = (name: string) => r.stdout.split('\n').find((l) => l.startsWith(`${name} `))?.replace(/\s+/g, ' ');
    assert.equal(row('server.host'), 'server.host 0.0.0.0 tollgate.yaml:2');
    assert.equal(row('server.port'), 'server.port 9100 env PORT', 'the variable overrides the file');
    assert.equal(row('http.body_limit_bytes'), 'http.body_limit_bytes 10485760 default');
    assert.equal(row('upstream.api_key'), 'upstream.api_key ******** tollgate.yaml:5 → env OPENAI_KEY_PROD');
    assert.equal(row('access.admin_key'), 'access.admin_key ******** env TOLLGATE_ADMIN_KEY');
    assert.equal(row('store.database_url'), 'store.database_url postgres://tollgate:********@db.internal:5432/tollgate env DATABASE_URL');
    assert.equal(row('mail.smtp_url'), `mail.smtp_url smtps://mailer:********@mail.internal:465 tollgate.yaml:7 → file ${smtpFile}`);
    assert.equal(row('compliance.master_key'), 'compliance.master_key - default');
    for (const secret of SECRETS) assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${secret} is not printed`);
  });

  test('--json: the same for scripts, secrets masked', () => {
    const r = run(['--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { file: string; settings: SettingReport[] };
    assert.equal(out.file, join(dir, 'tollgate.yaml'));
    const get = (name: string) => out.settings.find((s) => s.name === name)!;
    assert.deepEqual(get('server.port'), { name: 'server.port', value: 9100, secret: false, env: 'PORT', source: { kind: 'env', variable: 'PORT' } });
    assert.deepEqual(get('server.host').source, { kind: 'file', file: join(dir, 'tollgate.yaml'), line: 2 });
    assert.deepEqual(get('upstream.api_key'), {
      name: 'upstream.api_key',
      value: '********',
      secret: true,
      env: 'OPENAI_API_KEY',
      source: { kind: 'file', file: join(dir, 'tollgate.yaml'), line: 5, ref: { env: 'OPENAI_KEY_PROD' } },
    });
    assert.equal(get('upstream.base_url').value, null);
    assert.equal(get('metering.enabled').value, true);
    for (const secret of SECRETS) assert.ok(!r.stdout.includes(secret), `${secret} is not printed`);
  });

  test('TOLLGATE_CONFIG names another file; an invalid configuration exits 2 naming the setting and line or the variable, and no secret', () => {
    const other = join(dir, 'other.yaml');
    writeFileSync(other, `server:\n  prot: 9000\nupstream:\n  api_key: ${UPSTREAM_KEY}\n`);
    const r = run([], { TOLLGATE_CONFIG: other, TOLLGATE_SESSION_IDLE_MINUTES: '0' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^tollgate: invalid configuration:$/m);
    assert.ok(r.stderr.includes(`  server.prot (${other}, line 2): unknown setting`), r.stderr);
    assert.ok(r.stderr.includes(`  upstream.api_key (${other}, line 4): secrets are not written in the configuration file`), r.stderr);
    assert.match(r.stderr, /^ {2}TOLLGATE_SESSION_IDLE_MINUTES: Too small/m);
    for (const secret of SECRETS) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), `${secret} is not printed`);
  });
});
