import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig, loadConfigWithSources, MASK, reportConfig, SETTINGS } from './index.ts';

/*
 * Threat: `tollgate config` (and its --json) is meant to be pasted into tickets and chat; a
 * configuration error lands in logs. Neither may carry a secret: a key, a password in a URL, a
 * token in a webhook's query. Every setting the schema marks as a secret is checked here, so a new
 * secret setting without a sample fails until it is covered.
 */
const MARK = 'SECRETMARK';

/** A valid value for each secret setting, holding MARK where the secret is. */
const VALID: Record<string, string> = {
  'store.database_url': `postgres://tollgate:${MARK}@db.internal:5432/tollgate`,
  'upstream.base_url': `https://proxy:${MARK}@llm.internal/v1`,
  'upstream.api_key': `sk-${MARK}-0123456789`,
  'access.admin_key': `tg-${MARK}0123456789abcdef`,
  'metering.budget_alerts.webhook_url': `https://hooks.example.com/tollgate?token=${MARK}`,
  'metering.budget_alerts.webhook_secret': `whsec-${MARK}`,
  'mail.smtp_url': `smtps://mailer:${MARK}@mail.internal:465`,
  'compliance.master_key': `${MARK}${'A'.repeat(43 - MARK.length)}`,
  'store.redis_url': `redis://default:${MARK}@redis.internal:6379`,
};

/** An invalid value for each secret setting that still holds MARK. */
const INVALID: Record<string, string> = {
  'store.database_url': `mysql://tollgate:${MARK}@db.internal/tollgate`,
  'upstream.base_url': `not a url ${MARK}`,
  'access.admin_key': `tg-${MARK}!`,
  'metering.budget_alerts.webhook_url': `ftp://hooks.example.com/?token=${MARK}`,
  'mail.smtp_url': `http://mailer:${MARK}@mail.internal`,
  'compliance.master_key': `${MARK}-too-short`,
  'store.redis_url': `http://default:${MARK}@redis.internal:6379`,
};

const secrets = SETTINGS.filter((s) => s.meta.secret !== undefined);

describe('secrets are never shown by tollgate config or in configuration errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-config-secrets-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('every secret setting has a sample here', () => {
    assert.deepEqual(secrets.map((s) => s.name).sort(), Object.keys(VALID).sort());
  });

  test('set through their variables, the report masks every one (URLs keep all but the credential)', () => {
    const env = Object.fromEntries(secrets.map((s) => [s.meta.env, VALID[s.name]!]));
    const loaded = loadConfigWithSources(env, { findFile: false });
    const report = reportConfig(loaded);
    assert.ok(!JSON.stringify(report).includes(MARK), JSON.stringify(report));
    const value = (name: string) => report.find((s) => s.name === name)?.value;
    assert.equal(value('upstream.api_key'), MASK);
    assert.equal(value('upstream.base_url'), `https://proxy:${MASK}@llm.internal/v1`);
    assert.equal(value('metering.budget_alerts.webhook_url'), `https://hooks.example.com/tollgate?token=${MASK}`);
    // The configuration itself still holds the real values: masking is for showing only.
    assert.equal(loaded.config.upstream.base_url, VALID['upstream.base_url']);
  });

  test('an invalid secret in a variable is named, not repeated', () => {
    for (const [name, bad] of Object.entries(INVALID)) {
      const leaf = secrets.find((s) => s.name === name)!;
      assert.throws(
        () => loadConfig({ [leaf.meta.env]: bad }, { findFile: false }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(`  ${leaf.meta.env}: `) && !err.message.includes(MARK),
        name,
      );
    }
  });

  test('a secret written inline in tollgate.yaml is refused, named by its setting, and not repeated', () => {
    secrets.forEach((leaf, i) => {
      const path = join(dir, `inline-${i}.yaml`);
      const [group, ...rest] = leaf.path;
      const nested = rest.map((key, depth) => `${'  '.repeat(depth + 1)}${key}:`).join('\n');
      writeFileSync(path, `${group}:\n${nested} "${VALID[leaf.name]}"\n`);
      assert.throws(
        () => loadConfig({ TOLLGATE_CONFIG: path }, { findFile: false }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(`  ${leaf.name} (${path}, line ${leaf.path.length}): `) && !err.message.includes(MARK),
        leaf.name,
      );
    });
  });
});
