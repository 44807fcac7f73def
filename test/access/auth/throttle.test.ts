import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MemoryLoginThrottle } from '../../../src/access/credentials/login-throttle.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { createUser, expectError, postSignIn, type TestUser } from './support.ts';

/** Sign-in throttling with the default policy (slowed from the 5th failure, locked at the 10th for 15 minutes) and a fake clock. */
describe('sign-in throttling over HTTP', () => {
  let gw: TestGateway;
  let ana: TestUser;
  const clock = { t: Date.now() };
  const wrong = (email: string) => postSignIn(gw, { email, password: 'definitely-not-the-password' });

  before(async () => {
    gw = await startGateway({ loginThrottle: new MemoryLoginThrottle({ now: () => clock.t }) });
    ana = await createUser(gw);
  });
  after(() => gw.close());
  beforeEach(() => {
    clock.t += 60 * 60_000; // every test starts with all counters forgotten
  });

  test('four failures are free; after the fifth the next attempt is refused with 429 and Retry-After, even with the right password', async () => {
    for (let i = 1; i <= 5; i++) await expectError(await wrong(ana.email), 401, 'invalid_credentials');
    const res = await postSignIn(gw, { email: ana.email, password: ana.password });
    await expectError(res, 429, 'too_many_sign_in_attempts');
    assert.equal(res.headers.get('retry-after'), '1');
    clock.t += 1_000;
    assert.equal((await postSignIn(gw, { email: ana.email, password: ana.password })).status, 200, 'allowed again after Retry-After');
  });

  test('the tenth failure locks the account: 429 with Retry-After 900 until the lock ends, then the right password works', async () => {
    for (let i = 1; i <= 10; i++) {
      if (i > 1) clock.t += 30_000; // past each slow-down delay, so every attempt is judged
      await expectError(await wrong(ana.email), 401, 'invalid_credentials');
    }
    const locked = await postSignIn(gw, { email: ana.email, password: ana.password });
    await expectError(locked, 429, 'too_many_sign_in_attempts');
    assert.equal(locked.headers.get('retry-after'), '900');
    clock.t += 14 * 60_000;
    await expectError(await postSignIn(gw, { email: ana.email, password: ana.password }), 429, 'too_many_sign_in_attempts');
    clock.t += 60_000;
    assert.equal((await postSignIn(gw, { email: ana.email, password: ana.password })).status, 200);
  });

  test('a success resets the account count', async () => {
    for (let i = 1; i <= 4; i++) await wrong(ana.email);
    assert.equal((await postSignIn(gw, { email: ana.email, password: ana.password })).status, 200);
    for (let i = 1; i <= 4; i++) await expectError(await wrong(ana.email), 401, 'invalid_credentials');
    assert.equal((await postSignIn(gw, { email: ana.email, password: ana.password })).status, 200);
  });

  test('one address spraying many accounts is slowed per IP (from the 20th failure)', async () => {
    for (let i = 1; i <= 20; i++) await expectError(await wrong(`spray${i}@example.com`), 401, 'invalid_credentials');
    const res = await postSignIn(gw, { email: ana.email, password: ana.password });
    await expectError(res, 429, 'too_many_sign_in_attempts');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
  });

  test('unknown emails are throttled like real ones (no enumeration through the throttle)', async () => {
    for (let i = 1; i <= 5; i++) await expectError(await wrong('ghost@example.com'), 401, 'invalid_credentials');
    await expectError(await wrong('ghost@example.com'), 429, 'too_many_sign_in_attempts');
  });
});
