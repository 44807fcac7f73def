import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/index.ts';
import { startGateway, type TestGateway } from '../support/gateway.ts';

describe('public sign-in and account routes are rate-limited per address', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startGateway({ env: { TOLLGATE_PUBLIC_RATE_LIMIT: '5' } });
  });
  after(() => gw.close());

  test('past the limit: 429 in OpenAI\'s shape with Retry-After; keys, probes and the gateway are not counted', async () => {
    const signIn = () => gw.call('/api/auth/sign-in', { key: null, body: { email: 'nobody@example.com', password: 'wrong password here' } });
    const answers: number[] = [];
    answers.push((await signIn()).status, (await signIn()).status);
    answers.push((await gw.call('/api/auth/password-reset', { key: null, body: { email: 'nobody@example.com' } })).status);
    answers.push((await gw.call('/api/invitations/accept?token=nope', { key: null })).status);
    answers.push((await gw.call(`/api/auth/sso/${gw.tg.home.org.id}/start`, { key: null })).status);
    assert.deepEqual(answers, [401, 401, 202, 404, 404], 'five requests answered normally');
    const limited = await signIn();
    assert.equal(limited.status, 429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
    const err = (await limited.json()) as { error: { code: string; type: string; message: string; param: null } };
    assert.equal(err.error.code, 'rate_limit_exceeded');
    assert.equal(err.error.type, 'rate_limit_error');
    assert.equal(err.error.param, null);

    assert.equal((await gw.call('/api/me')).status, 200, 'an authenticated route is not limited by this');
    assert.equal((await gw.call('/health', { key: null })).status, 200);
    for (let i = 0; i < 3; i++) {
      assert.equal((await gw.call('/v1/chat/completions', { body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } })).status, 200);
    }
  });

  test('TOLLGATE_PUBLIC_RATE_LIMIT must be a non-negative integer; 0 turns the limit off', () => {
    assert.throws(() => loadConfig({ TOLLGATE_PUBLIC_RATE_LIMIT: 'lots' }), /TOLLGATE_PUBLIC_RATE_LIMIT/);
    assert.throws(() => loadConfig({ TOLLGATE_PUBLIC_RATE_LIMIT: '-1' }), /TOLLGATE_PUBLIC_RATE_LIMIT/);
    assert.equal(loadConfig({ TOLLGATE_PUBLIC_RATE_LIMIT: '0' }).access.public_rate_limit_per_minute, 0);
    assert.equal(loadConfig({}, { findFile: false }).access.public_rate_limit_per_minute, 120);
  });
});
