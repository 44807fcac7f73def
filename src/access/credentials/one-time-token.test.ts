import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TollgateError } from '../../errors/index.ts';
import { sha256Hex } from './constant-time.ts';
import { MemoryOneTimeTokenStore } from './one-time-token-store.ts';
import { DEFAULT_TOKEN_TTL_MS, OneTimeTokens } from './one-time-token.ts';

const code = (c: string) => (e: unknown) => e instanceof TollgateError && e.status === 400 && e.code === c && e.param === 'token';

function setup() {
  const clock = { t: Date.UTC(2026, 0, 1) };
  const store = new MemoryOneTimeTokenStore();
  return { clock, store, tokens: new OneTimeTokens(store, { now: () => clock.t }) };
}

describe('OneTimeTokens', () => {
  test('a token is 32 random bytes in base64url; only its SHA-256 is stored', async () => {
    const { store, tokens } = setup();
    const { token } = await tokens.issue({ purpose: 'invitation', subject: 'ana@example.com', data: { role: 'user' } });
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    const record = await store.find(sha256Hex(token));
    assert.ok(record);
    assert.ok(!JSON.stringify(record).includes(token));
  });

  test('redeems once, then refuses', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue({ purpose: 'invitation', subject: 'ana@example.com', data: { role: 'admin' } });
    const record = await tokens.redeem(token, 'invitation');
    assert.equal(record.subject, 'ana@example.com');
    assert.deepEqual(record.data, { role: 'admin' });
    await assert.rejects(tokens.redeem(token, 'invitation'), code('token_already_used'));
  });

  test('concurrent redemptions: exactly one wins', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1' });
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => tokens.redeem(token, 'password_reset')));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  test('expires after its lifetime (30 minutes for a reset by default)', async () => {
    const { clock, tokens } = setup();
    const { token, expiresAt } = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1' });
    assert.equal(expiresAt, clock.t + DEFAULT_TOKEN_TTL_MS.password_reset);
    clock.t = expiresAt;
    await assert.rejects(tokens.redeem(token, 'password_reset'), code('expired_token'));
  });

  test('is bound to its purpose: an invitation cannot reset a password, and is not burnt trying', async () => {
    const { tokens } = setup();
    const { token } = await tokens.issue({ purpose: 'invitation', subject: 'ana@example.com' });
    await assert.rejects(tokens.redeem(token, 'password_reset'), code('invalid_token'));
    assert.equal((await tokens.redeem(token, 'invitation')).subject, 'ana@example.com');
  });

  test('unknown and malformed tokens are invalid', async () => {
    const { tokens } = setup();
    await assert.rejects(tokens.redeem('A'.repeat(43), 'invitation'), code('invalid_token'));
    await assert.rejects(tokens.redeem('short', 'invitation'), code('invalid_token'));
    await assert.rejects(tokens.redeem(undefined, 'invitation'), code('invalid_token'));
  });

  test('a new reset link revokes the earlier ones', async () => {
    const { tokens } = setup();
    const first = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1' });
    const second = await tokens.issue({ purpose: 'password_reset', subject: 'usr_1' });
    await assert.rejects(tokens.redeem(first.token, 'password_reset'), code('token_already_used'));
    assert.equal((await tokens.redeem(second.token, 'password_reset')).subject, 'usr_1');
  });

  test('expired records can be purged', async () => {
    const { clock, store, tokens } = setup();
    await tokens.issue({ purpose: 'password_reset', subject: 'usr_1', ttlMs: 1_000 });
    await tokens.issue({ purpose: 'invitation', subject: 'bo@example.com' });
    clock.t += 2_000;
    assert.equal(await store.deleteExpired(clock.t), 1);
  });
});
