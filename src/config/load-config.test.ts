import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig, loadConfigWithSources, SETTINGS } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** Writes `yaml` to a file of its own and returns the environment that names it. */
function withFile(yaml: string, env: Record<string, string> = {}): Record<string, string> {
  const path = join(dir, `tollgate-${++files}.yaml`);
  writeFileSync(path, yaml);
  return { TOLLGATE_CONFIG: path, ...env };
}

/** The ConfigError message loading `env` throws. */
function problems(env: Record<string, string>): string {
  try {
    loadConfig(env, { findFile: false });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.match(err.message, /^invalid configuration:\n/);
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration: defaults and the environment', () => {
  test('without a file or variables every setting has its documented default', () => {
    const c = loadConfig({}, { findFile: false });
    assert.equal(c.server.host, '127.0.0.1');
    assert.equal(c.server.port, 8080);
    assert.equal(c.server.trust_proxy, false);
    assert.equal(c.http.body_limit_bytes, 10 * 1024 * 1024);
    assert.equal(c.http.max_connections_per_address, 256);
    assert.equal(c.store.data_dir, resolve('data'));
    assert.equal(c.store.database_url, undefined);
    assert.equal(c.upstream.api_key, undefined);
    assert.equal(c.access.sessions.idle_minutes, 720);
    assert.equal(c.metering.enabled, true);
    assert.deepEqual(c.outbound.allow_private, 'off');
    assert.equal(c.logging.level, 'info');
  });

  test('every variable of the environment-only configuration still names a setting', () => {
    const names = SETTINGS.map((s) => s.meta.env).sort();
    assert.deepEqual(names, [
      'DATABASE_URL', 'HOST', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'PORT', 'REDIS_URL', 'TOLLGATE_ADMIN_KEY', 'TOLLGATE_ALERT_WEBHOOK_SECRET',
      'TOLLGATE_ALERT_WEBHOOK_URL', 'TOLLGATE_AUDIT_REQUESTS', 'TOLLGATE_AUDIT_SIGNING_KEY_FILE', 'TOLLGATE_BATCH_POLL_MS', 'TOLLGATE_BODY_LIMIT_BYTES',
      'TOLLGATE_CACHE', 'TOLLGATE_CACHE_ADAPTER', 'TOLLGATE_CACHE_MAX_BYTES', 'TOLLGATE_CACHE_MAX_ENTRIES', 'TOLLGATE_CACHE_MAX_ENTRY_BYTES',
      'TOLLGATE_CACHE_TTL_SECONDS', 'TOLLGATE_DATA_DIR', 'TOLLGATE_GUARDRAILS_DEFAULT', 'TOLLGATE_GUARDRAILS_POLICY_FILE',
      'TOLLGATE_HEADERS_TIMEOUT_MS', 'TOLLGATE_HSTS_MAX_AGE', 'TOLLGATE_KEEP_ALIVE_TIMEOUT_MS', 'TOLLGATE_KEY_CACHE_TTL_MS', 'TOLLGATE_LEASE_TTL_MS', 'TOLLGATE_LEDGER_RETENTION_DAYS',
      'TOLLGATE_LOG_LEVEL', 'TOLLGATE_MAIL_FROM', 'TOLLGATE_MASTER_KEY', 'TOLLGATE_MASTER_KEY_FILE', 'TOLLGATE_MAX_CONNECTIONS_PER_ADDRESS',
      'TOLLGATE_MAX_HEADER_BYTES', 'TOLLGATE_METERING', 'TOLLGATE_ON_COUNTERS_ERROR', 'TOLLGATE_ORG_NAME', 'TOLLGATE_OUTBOUND_ALLOW_PRIVATE', 'TOLLGATE_OWNER_EMAIL',
      'TOLLGATE_PROFILE', 'TOLLGATE_PUBLIC_RATE_LIMIT', 'TOLLGATE_PUBLIC_URL', 'TOLLGATE_RATE_LIMITS', 'TOLLGATE_RELOAD_INTERVAL_MS', 'TOLLGATE_REQUEST_TIMEOUT_MS',
      'TOLLGATE_SECURE_COOKIES', 'TOLLGATE_SESSION_IDLE_MINUTES', 'TOLLGATE_SESSION_MAX_HOURS', 'TOLLGATE_SMTP_URL',
      'TOLLGATE_STREAM_IDLE_TIMEOUT_MS', 'TOLLGATE_TLS_CERT_FILE', 'TOLLGATE_TLS_KEY_FILE', 'TOLLGATE_TRUST_PROXY', 'TOLLGATE_UPLOAD_LIMIT_BYTES', 'TOLLGATE_UPSTREAM_CONNECTIONS', 'TOLLGATE_UPSTREAM_TIMEOUT_MS',
      // upstream deployments, aliases, fallbacks, retries and circuit breakers (docs/traffic.md)
      'TOLLGATE_ATTEMPT_TIMEOUT_MS', 'TOLLGATE_BREAKER_COOL_DOWN_MS', 'TOLLGATE_BREAKER_FAILURES', 'TOLLGATE_DEPLOYMENTS',
      'TOLLGATE_FALLBACKS', 'TOLLGATE_FALLBACK_AFTER', 'TOLLGATE_MODEL_ALIASES', 'TOLLGATE_RETRY_BASE_DELAY_MS',
      'TOLLGATE_RETRY_DEADLINE_MS', 'TOLLGATE_RETRY_MAX_ATTEMPTS', 'TOLLGATE_RETRY_MAX_DELAY_MS',
      // instances on one store without Redis (docs/traffic.md)
      'TOLLGATE_MULTI_INSTANCE_WITHOUT_REDIS',
    ].sort());
  });

  test('variables are read as before: numbers, on/off, lists, trimmed and lower-cased values, empty means unset', () => {
    const c = loadConfig(
      {
        PORT: '9000',
        TOLLGATE_METERING: 'off',
        TOLLGATE_TRUST_PROXY: 'true',
        TOLLGATE_OWNER_EMAIL: 'Ops@Example.COM',
        TOLLGATE_PUBLIC_URL: 'https://tollgate.example.com//',
        TOLLGATE_OUTBOUND_ALLOW_PRIVATE: '10.20.0.0/16, fd00:1::/64',
        TOLLGATE_SESSION_MAX_HOURS: '',
      },
      { findFile: false },
    );
    assert.equal(c.server.port, 9000);
    assert.equal(c.metering.enabled, false);
    assert.equal(c.server.trust_proxy, true);
    assert.equal(c.http.max_connections_per_address, 0, 'behind a trusted proxy: no cap unless one is set');
    assert.equal(c.access.owner_email, 'ops@example.com');
    assert.equal(c.server.public_url, 'https://tollgate.example.com');
    assert.deepEqual(c.outbound.allow_private, ['10.20.0.0/16', 'fd00:1::/64']);
    assert.equal(c.access.sessions.max_hours, 168);
  });

  test('a bad variable is named with the same messages as before, every one at once', () => {
    const message = problems({
      PORT: '70000',
      TOLLGATE_PUBLIC_RATE_LIMIT: 'lots',
      DATABASE_URL: 'mysql://db/x',
      TOLLGATE_ADMIN_KEY: 'tg-short',
      TOLLGATE_MASTER_KEY: 'not-base64',
      TOLLGATE_OUTBOUND_ALLOW_PRIVATE: '10.0.0.0/33',
    });
    assert.match(message, /^ {2}PORT: Too big: expected number to be <=65535$/m);
    assert.match(message, /^ {2}TOLLGATE_PUBLIC_RATE_LIMIT: Invalid input: expected number, received NaN$/m);
    assert.match(message, /^ {2}DATABASE_URL: must be a postgres:\/\/ URL \(leave it unset for SQLite\)$/m);
    assert.match(message, /^ {2}TOLLGATE_ADMIN_KEY: must look like tg-<at least 16 letters, digits, _ or ->$/m);
    assert.match(message, /^ {2}TOLLGATE_MASTER_KEY: must be 32 random bytes in base64/m);
    assert.match(message, /^ {2}TOLLGATE_OUTBOUND_ALLOW_PRIVATE: must be 'on', 'off' or a comma-separated CIDR list: '10.0.0.0\/33' is not a CIDR block/m);
    assert.doesNotMatch(message, /tg-short|not-base64|mysql/, 'values are not repeated');
  });

  test('headers must arrive within the request timeout, wherever either was set', () => {
    assert.match(problems({ TOLLGATE_HEADERS_TIMEOUT_MS: '40000' }), /TOLLGATE_HEADERS_TIMEOUT_MS: must not be longer than http.request_timeout_ms \(TOLLGATE_REQUEST_TIMEOUT_MS\)/);
    const env = withFile('http:\n  request_timeout_ms: 5000\n');
    assert.match(problems(env), /^ {2}http.headers_timeout_ms: must not be longer than http.request_timeout_ms/m);
  });
});

describe('configuration: tollgate.yaml', () => {
  test('the file sets values, variables override it, and the sources say which is which', () => {
    const env = withFile('server:\n  host: 0.0.0.0\n  port: 9000\naccess:\n  sessions:\n    idle_minutes: 30\n', { PORT: '9100' });
    const { config, sources, file } = loadConfigWithSources(env, { findFile: false });
    assert.equal(file, env.TOLLGATE_CONFIG);
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.server.port, 9100, 'the variable wins over the file');
    assert.equal(config.access.sessions.idle_minutes, 30);
    assert.deepEqual(sources.get('server.host'), { kind: 'file', file: env.TOLLGATE_CONFIG, line: 2 });
    assert.deepEqual(sources.get('server.port'), { kind: 'env', variable: 'PORT' });
    assert.deepEqual(sources.get('access.sessions.idle_minutes'), { kind: 'file', file: env.TOLLGATE_CONFIG, line: 6 });
    assert.deepEqual(sources.get('http.body_limit_bytes'), { kind: 'default' });
  });

  test('an empty variable does not override the file; a key without a value takes the default', () => {
    const env = withFile('server:\n  port: 9000\nlogging:\n  level:\nmail:\n', { PORT: '' });
    const c = loadConfig(env, { findFile: false });
    assert.equal(c.server.port, 9000);
    assert.equal(c.logging.level, 'info');
  });

  test('YAML spellings: booleans and lists where the variable takes on/off and commas', () => {
    const c = loadConfig(withFile('server:\n  trust_proxy: [10.0.0.1, 10.1.0.0/16]\nmetering:\n  enabled: false\noutbound:\n  allow_private:\n    - 10.20.0.0/16\n'), { findFile: false });
    assert.equal(c.server.trust_proxy, '10.0.0.1,10.1.0.0/16');
    assert.equal(c.http.max_connections_per_address, 0);
    assert.equal(c.metering.enabled, false);
    assert.deepEqual(c.outbound.allow_private, ['10.20.0.0/16']);
  });

  test('an unknown key is an error naming it, its line and the keys its group has (a typo is not ignored)', () => {
    const env = withFile('server:\n  host: 127.0.0.1\n  prot: 9000\nsessions:\n  idle_minutes: 5\n');
    const message = problems(env);
    assert.ok(message.includes(`  server.prot (${env.TOLLGATE_CONFIG}, line 3): unknown setting (server has host, port, public_url, trust_proxy, tls_cert_file, tls_key_file, hsts_max_age_seconds)`), message);
    assert.ok(message.includes(`  sessions (${env.TOLLGATE_CONFIG}, line 4): unknown setting (the groups are server, http, store,`), message);
  });

  test('a bad value in the file is named by its path and line', () => {
    const env = withFile('http:\n  body_limit_bytes: -5\naccess:\n  sessions:\n    secure_cookies: sometimes\nserver: 8080\n');
    const message = problems(env);
    assert.match(message, new RegExp(`^  http.body_limit_bytes \\(${env.TOLLGATE_CONFIG}, line 2\\): Too small: expected number to be >0$`, 'm'));
    assert.match(message, new RegExp(`^  access.sessions.secure_cookies \\(${env.TOLLGATE_CONFIG}, line 5\\): Invalid option: expected one of "auto"\\|"on"\\|"off"$`, 'm'));
    assert.match(message, new RegExp(`^  server \\(${env.TOLLGATE_CONFIG}, line 6\\): Invalid input: expected object, received number$`, 'm'));
  });

  test('a blank number in the file is an error, not 0 (port "" must not mean "any free port")', () => {
    const env = withFile('server:\n  port: ""\nhttp:\n  body_limit_bytes: " "\n');
    const message = problems(env);
    assert.match(message, /^ {2}server.port \(.*, line 2\): Invalid input: expected number, received NaN$/m);
    assert.match(message, /^ {2}http.body_limit_bytes \(.*, line 4\): Invalid input: expected number, received NaN$/m);
  });

  test('a bad value in the file that a variable overrides is the variable\'s to judge', () => {
    const env = withFile('server:\n  port: 70000\n', { PORT: 'eighty' });
    assert.match(problems(env), /^ {2}PORT: Invalid input: expected number, received NaN$/m);
  });

  test('TOLLGATE_CONFIG naming a missing file is an error; so are broken YAML and a key written twice, without quoting the text', () => {
    assert.match(problems({ TOLLGATE_CONFIG: join(dir, 'absent.yaml') }), /^ {2}TOLLGATE_CONFIG: .*absent\.yaml cannot be read \(ENOENT\)$/m);
    const broken = withFile('upstream:\n  base_url: "https://sk-SHOULD-NOT-SHOW\n');
    const message = problems(broken);
    assert.match(message, new RegExp(`${broken.TOLLGATE_CONFIG}, line \\d+: `));
    assert.doesNotMatch(message, /SHOULD-NOT-SHOW/);
    assert.match(problems(withFile('server:\n  port: 1\n  port: 2\n')), /line 3: Map keys must be unique/);
    assert.match(problems(withFile('- server\n')), /must be a mapping of settings/);
  });
});

describe('configuration: secrets in tollgate.yaml', () => {
  test('a secret written in the file is refused without repeating it; each way to give it is named', () => {
    const env = withFile('upstream:\n  api_key: sk-live-IN-THE-FILE\naccess:\n  admin_key: tg-0123456789abcdefINFILE\n');
    const message = problems(env);
    assert.match(message, /upstream.api_key \(.*, line 2\): secrets are not written in the configuration file: give it as \{ env: VARIABLE \} or \{ file: \/path\/to\/file \}/);
    assert.match(message, /access.admin_key \(.*, line 4\): secrets are not written/);
    assert.doesNotMatch(message, /IN-THE-FILE|INFILE/);
  });

  test('a refused secret is refused even when a variable overrides it (it is still in the file)', () => {
    assert.match(problems(withFile('upstream:\n  api_key: sk-live-IN-THE-FILE\n', { OPENAI_API_KEY: 'sk-env' })), /upstream.api_key .*secrets are not written/);
  });

  test('{ env: NAME } and { file: PATH } are read; the sources name the reference, not the value', () => {
    const secretFile = join(dir, 'webhook-secret');
    writeFileSync(secretFile, 'whsec-from-file\n');
    const env = withFile(`upstream:\n  api_key: { env: OPENAI_KEY_PROD }\nmetering:\n  budget_alerts:\n    webhook_secret: { file: ${secretFile} }\n`, {
      OPENAI_KEY_PROD: 'sk-from-env',
    });
    const { config, sources } = loadConfigWithSources(env, { findFile: false });
    assert.equal(config.upstream.api_key, 'sk-from-env');
    assert.equal(config.metering.budget_alerts.webhook_secret, 'whsec-from-file');
    assert.deepEqual(sources.get('upstream.api_key'), { kind: 'file', file: env.TOLLGATE_CONFIG, line: 2, ref: { env: 'OPENAI_KEY_PROD' } });
    assert.deepEqual(sources.get('metering.budget_alerts.webhook_secret'), { kind: 'file', file: env.TOLLGATE_CONFIG, line: 5, ref: { file: secretFile } });
  });

  test('a reference that leads nowhere is named; a malformed one says what is expected', () => {
    const message = problems(
      withFile(`upstream:\n  api_key: { env: NOT_SET_ANYWHERE }\naccess:\n  admin_key: { file: ${join(dir, 'nope')} }\ncompliance:\n  master_key: { env: A, file: /b }\n`),
    );
    assert.match(message, /upstream.api_key .*: refers to the environment variable NOT_SET_ANYWHERE, which is not set/);
    assert.match(message, /access.admin_key .*: refers to the file .*nope, which cannot be read \(ENOENT\)/);
    assert.match(message, /compliance.master_key .*: must be a reference to the secret/);
  });

  test('a URL may be written in the file when it holds no password; with one it is refused like any secret', () => {
    const c = loadConfig(withFile('store:\n  database_url: postgres://tollgate@db.internal:5432/tollgate\n'), { findFile: false });
    assert.equal(c.store.database_url, 'postgres://tollgate@db.internal:5432/tollgate');
    for (const url of ['postgres://tollgate:PW-IN-FILE@db/tollgate', 'postgres://db/tollgate?password=PW-IN-FILE']) {
      const message = problems(withFile(`store:\n  database_url: ${url}\n`));
      assert.match(message, /store.database_url .*: holds a password, and secrets are not written in the configuration file/);
      assert.doesNotMatch(message, /PW-IN-FILE/);
    }
  });
});
